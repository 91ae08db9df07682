package ai.portal.logs.record;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The severity a line states about itself, if any, normalised to trace, debug, info, warn, error or fatal:
 * an upper-case level word ({@code INFO}, {@code WARNING: ...}), a bracketed one ({@code [warn]}) or a key
 * ({@code level=error}, {@code "level":"debug"}). Only the first 120 characters are looked at, so a message that
 * merely mentions "error" later on is not an error line, and lower-case prose ("more info") is not a level.
 */
public final class LogLevels {

    private static final String WORDS = "TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|FATAL|CRITICAL|CRIT|PANIC";
    static final Pattern LEVEL = Pattern.compile(
            "(?<![A-Za-z])(" + WORDS + ")(?![A-Za-z])"
                    + "|(?i:\\[(" + WORDS + ")\\])"
                    + "|(?i:\\blevel[\"']?\\s*[:=]\\s*[\"']?(" + WORDS + ")(?![A-Za-z]))");
    private static final int HEAD = 120;

    public static String detect(String message) {
        Matcher m = LEVEL.matcher(message.length() > HEAD ? message.substring(0, HEAD) : message);
        if (!m.find()) {
            return null;
        }
        String word = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
        return switch (word.toLowerCase(Locale.ROOT)) {
            case "trace" -> "trace";
            case "debug" -> "debug";
            case "info", "notice" -> "info";
            case "warn", "warning" -> "warn";
            case "error", "err" -> "error";
            default -> "fatal";
        };
    }

    private LogLevels() {
    }
}
