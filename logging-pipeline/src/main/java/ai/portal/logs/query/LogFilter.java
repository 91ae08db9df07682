package ai.portal.logs.query;

import java.time.Instant;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a caller may narrow a team's logs by. Never the namespace: that comes from the team the caller may view. Every value
 * is checked against the shape Kubernetes allows for it, so nothing arbitrary reaches a query.
 */
public record LogFilter(String workload, String pod, String container, String stream, String level, String text,
                        Instant since, Instant until) {

    private static final Pattern NAME = Pattern.compile("^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$");
    private static final Pattern LABEL_VALUE = Pattern.compile("^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$");
    private static final Set<String> STREAMS = Set.of("stdout", "stderr");
    static final Set<String> LEVELS = Set.of("trace", "debug", "info", "warn", "error", "fatal");

    public static final LogFilter NONE = new LogFilter(null, null, null, null, null, null, null, null);

    /** Blank values become null; anything out of shape is a 400 naming the parameter. */
    LogFilter validated(int maxTextLength) {
        LogFilter f = new LogFilter(blankToNull(workload), blankToNull(pod), blankToNull(container),
                blankToNull(stream), blankToNull(level), blankToNull(text), since, until);
        check("workload", f.workload, LABEL_VALUE);
        check("pod", f.pod, NAME);
        check("container", f.container, NAME);
        if (f.stream != null && !STREAMS.contains(f.stream)) {
            throw new LogQueryExceptions.InvalidFilter("stream", "stream must be stdout or stderr.");
        }
        if (f.level != null && !LEVELS.contains(f.level)) {
            throw new LogQueryExceptions.InvalidFilter("level", "level must be one of " + LEVELS + ".");
        }
        if (f.text != null && f.text.length() > maxTextLength) {
            throw new LogQueryExceptions.InvalidFilter("q", "The search text is longer than " + maxTextLength
                    + " characters.");
        }
        if (f.since != null && f.until != null && !f.since.isBefore(f.until)) {
            throw new LogQueryExceptions.InvalidFilter("since", "since must be before until.");
        }
        // no line is written in the future; a range reaching far into it would only name indices that never exist
        // (the API fuzzing's since=4597-12-20 became a search the log store refused: a 503 for the caller's input)
        java.time.Instant horizon = java.time.Instant.now().plus(java.time.Duration.ofDays(1));
        if (f.since != null && f.since.isAfter(horizon)) {
            throw new LogQueryExceptions.InvalidFilter("since", "since must not be in the future.");
        }
        if (f.until != null && f.until.isAfter(horizon.plus(java.time.Duration.ofDays(365)))) {
            throw new LogQueryExceptions.InvalidFilter("until", "until must be within a year from now.");
        }
        return f;
    }

    private static void check(String field, String value, Pattern shape) {
        if (value != null && !shape.matcher(value).matches()) {
            throw new LogQueryExceptions.InvalidFilter(field, field + " is not a valid Kubernetes name or label value.");
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
