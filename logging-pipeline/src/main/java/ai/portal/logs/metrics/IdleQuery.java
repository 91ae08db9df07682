package ai.portal.logs.metrics;

import java.time.Duration;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * What counts as idle for one request, within the configured bounds.
 *
 * @param threshold utilisation in percent a GPU must stay below (default portal.metrics.idle.threshold-percent)
 * @param period    for how long: {@code 1h}, {@code 30m}, {@code PT1H} (default portal.metrics.idle.period)
 */
public record IdleQuery(
        @Schema(description = "percent; default portal.metrics.idle.threshold-percent", example = "5") Double threshold,
        @Schema(description = "how long below it: 1h, 30m, PT1H; default portal.metrics.idle.period", example = "1h")
        String period) {

    double thresholdPercent(MetricsProperties.Idle defaults) {
        if (threshold == null) {
            return defaults.thresholdPercent();
        }
        if (threshold.isNaN() || threshold <= 0 || threshold > 100) {
            throw MetricsExceptions.invalid("threshold", "The threshold is a utilisation in percent, above 0 and at "
                    + "most 100.");
        }
        return threshold;
    }

    Duration periodOrDefault(MetricsProperties.Idle defaults) {
        if (period == null || period.isBlank()) {
            return defaults.period();
        }
        Duration chosen = Resolution.parseDuration("period", period);
        if (chosen.compareTo(defaults.minPeriod()) < 0 || chosen.compareTo(defaults.maxPeriod()) > 0) {
            throw MetricsExceptions.invalid("period", "The period must be between " + Resolution.human(defaults.minPeriod())
                    + " and " + Resolution.human(defaults.maxPeriod()) + ".");
        }
        return chosen;
    }
}
