package ai.portal.logs.metrics;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * A chart's request: which signals over which range, at how many points (or an explicit step).
 *
 * @param range   how far back: {@code 6h}, {@code 30m}, {@code 7d} or ISO-8601 {@code PT6H}; default 1h
 * @param end     the newest point, ISO-8601 instant; default now
 * @param points  points per series; the step follows (default portal.metrics.default-points)
 * @param step    an explicit step instead of points
 * @param signals comma-separated: utilization, memoryUsed, power, temperature (the default), gpusAllocated, gpus
 */
public record ChartQuery(
        @Schema(description = "how far back: 6h, 30m, 7d or PT6H; default 1h", example = "6h") String range,
        @Schema(description = "the newest point (ISO-8601); default now") String end,
        @Schema(description = "points per series; the step follows", example = "240") Integer points,
        @Schema(description = "an explicit step instead of points: 1m, PT5M") String step,
        @Schema(description = "comma-separated signals; default utilization,memoryUsed,power,temperature",
                example = "utilization,memoryUsed") String signals) {

    Resolution resolution(MetricsProperties limits, Instant now) {
        return Resolution.of(
                range == null || range.isBlank() ? java.time.Duration.ofHours(1) : Resolution.parseDuration("range", range),
                end == null || end.isBlank() ? null : Resolution.parseInstant("end", end),
                points,
                step == null || step.isBlank() ? null : Resolution.parseDuration("step", step),
                limits, now);
    }

    Set<GpuSignal> signalSet() {
        if (signals == null || signals.isBlank()) {
            return GpuSignal.PANEL;
        }
        Set<GpuSignal> chosen = EnumSet.noneOf(GpuSignal.class);
        for (String name : signals.split(",")) {
            if (!name.isBlank()) {
                chosen.add(GpuSignal.parse(name));
            }
        }
        return chosen.isEmpty() ? GpuSignal.PANEL : chosen;
    }
}
