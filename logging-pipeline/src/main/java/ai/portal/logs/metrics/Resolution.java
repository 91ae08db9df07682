package ai.portal.logs.metrics;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The time grid of a chart: {@code points} points {@code step} apart, ending at {@code end}. The step follows from
 * the range and the points a chart wants (rounded up to a familiar step, never finer than the scrape resolution),
 * and the grid is aligned to the step, so two charts of the same range ask Prometheus the same query.
 */
record Resolution(Instant start, Instant end, Duration step) {

    /** Steps a chart rounds up to, as Grafana's do: values stay comparable from one request to the next. */
    private static final List<Duration> NICE_STEPS = List.of(Duration.ofSeconds(1), Duration.ofSeconds(2),
            Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(15), Duration.ofSeconds(30),
            Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(5), Duration.ofMinutes(10),
            Duration.ofMinutes(15), Duration.ofMinutes(30), Duration.ofHours(1), Duration.ofHours(2),
            Duration.ofHours(3), Duration.ofHours(6), Duration.ofHours(12), Duration.ofDays(1));
    private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d{1,6})(ms|s|m|h|d|w)");

    int points() {
        return (int) (Duration.between(start, end).dividedBy(step)) + 1;
    }

    /**
     * @param range  how far back from {@code end} (required)
     * @param end    the newest point (now when null)
     * @param points how many points the chart wants (the default when null)
     * @param step   an explicit step instead of {@code points}
     */
    static Resolution of(Duration range, Instant end, Integer points, Duration step, MetricsProperties limits,
                         Instant now) {
        if (range.isZero() || range.isNegative()) {
            throw MetricsExceptions.invalid("range", "The range must be longer than zero.");
        }
        if (range.compareTo(limits.maxRange()) > 0) {
            throw MetricsExceptions.tooHeavy("The range " + human(range) + " is longer than the longest this API "
                    + "charts, " + human(limits.maxRange()) + ". Ask for a shorter range.");
        }
        if (points != null && step != null) {
            throw MetricsExceptions.invalid("step", "Give points or step, not both.");
        }
        Duration chosen;
        if (step != null) {
            if (step.compareTo(limits.minStep()) < 0) {
                throw MetricsExceptions.invalid("step", "The step " + human(step) + " is finer than the metrics' "
                        + "resolution, " + human(limits.minStep()) + ".");
            }
            chosen = step;
        } else {
            int wanted = points == null ? limits.defaultPoints() : points;
            if (wanted < 2) {
                throw MetricsExceptions.invalid("points", "A chart needs at least 2 points.");
            }
            if (wanted > limits.maxPoints()) {
                throw MetricsExceptions.tooHeavy(wanted + " points per series are more than the " + limits.maxPoints()
                        + " this API returns. Ask for fewer points.");
            }
            Duration raw = range.dividedBy(wanted - 1);
            chosen = nice(raw.compareTo(limits.minStep()) < 0 ? limits.minStep() : raw);
        }
        long count = range.dividedBy(chosen) + 1;
        if (count > limits.maxPoints()) {
            throw MetricsExceptions.tooHeavy("A range of " + human(range) + " at a step of " + human(chosen) + " is "
                    + count + " points per series, more than the " + limits.maxPoints() + " this API returns. Ask "
                    + "for a coarser step or a shorter range.");
        }
        Instant last = end == null ? now : end;
        if (last.isAfter(now)) {
            last = now;
        }
        long stepMillis = chosen.toMillis();
        Instant alignedEnd = Instant.ofEpochMilli(Math.floorDiv(last.toEpochMilli(), stepMillis) * stepMillis);
        return new Resolution(alignedEnd.minus(chosen.multipliedBy(count - 1)), alignedEnd, chosen);
    }

    private static Duration nice(Duration raw) {
        for (Duration nice : NICE_STEPS) {
            if (nice.compareTo(raw) >= 0) {
                return nice;
            }
        }
        long days = (raw.toSeconds() + 86_399) / 86_400;
        return Duration.ofDays(days);
    }

    /** A duration parameter: ISO-8601 ({@code PT6H}) or Prometheus' style ({@code 6h}, {@code 30m}, {@code 7d}). */
    static Duration parseDuration(String field, String text) {
        String value = text.strip();
        Matcher simple = SIMPLE_DURATION.matcher(value.toLowerCase(Locale.ROOT));
        if (simple.matches()) {
            long n = Long.parseLong(simple.group(1));
            return switch (simple.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                default -> Duration.ofDays(7 * n);
            };
        }
        try {
            return Duration.parse(value);
        } catch (DateTimeParseException notIso) {
            throw MetricsExceptions.invalid(field, "'" + GpuSignal.abbreviate(value) + "' is not a duration; write "
                    + "e.g. 6h, 30m, 7d or PT6H.");
        }
    }

    static Instant parseInstant(String field, String text) {
        try {
            return Instant.parse(text.strip());
        } catch (DateTimeParseException notIso) {
            throw MetricsExceptions.invalid(field, "'" + GpuSignal.abbreviate(text) + "' is not a time; write an "
                    + "ISO-8601 instant such as 2026-01-02T03:04:05Z.");
        }
    }

    static String human(Duration d) {
        if (d.toDays() > 0 && d.equals(Duration.ofDays(d.toDays()))) {
            return d.toDays() + "d";
        }
        if (d.toHours() > 0 && d.equals(Duration.ofHours(d.toHours()))) {
            return d.toHours() + "h";
        }
        if (d.toMinutes() > 0 && d.equals(Duration.ofMinutes(d.toMinutes()))) {
            return d.toMinutes() + "m";
        }
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
}
