package ai.portal.logs.collector;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * One physical line of a CRI container log file: {@code <RFC 3339 nano time> <stdout|stderr> <P|F> <message>}.
 * {@code P} marks a partial line the runtime split (its continuation follows); {@code F} the full line or the last
 * part. Lines that do not parse are kept whole as {@code stdout F}, stamped with the read time.
 */
record CriLine(Instant time, String stream, boolean partial, String message) {

    static CriLine parse(String line, Instant fallbackTime) {
        int first = line.indexOf(' ');
        int second = first < 0 ? -1 : line.indexOf(' ', first + 1);
        int third = second < 0 ? -1 : line.indexOf(' ', second + 1);
        if (third < 0 && second > 0 && line.length() == second + 2) {
            third = line.length(); // "<time> <stream> F" with an empty message
        }
        if (first > 0 && second > first && third > second) {
            String stream = line.substring(first + 1, second);
            String tag = line.substring(second + 1, third);
            if ((stream.equals("stdout") || stream.equals("stderr")) && (tag.startsWith("F") || tag.startsWith("P"))) {
                try {
                    Instant time = Instant.parse(line.substring(0, first));
                    String message = third >= line.length() ? "" : line.substring(third + 1);
                    return new CriLine(time, stream, tag.startsWith("P"), message);
                } catch (DateTimeParseException notCri) {
                    // fall through
                }
            }
        }
        return new CriLine(fallbackTime, "stdout", false, line);
    }
}
