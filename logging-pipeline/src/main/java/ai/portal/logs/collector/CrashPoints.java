package ai.portal.logs.collector;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * For crash tests only: holds the collector at a named point so a test can kill the process exactly there. Unset
 * in production. {@code PORTAL_LOG_CRASH_POINT=<point>:<n>} holds the thread that reaches {@code point} for the
 * n-th time, after creating the file {@code PORTAL_LOG_CRASH_MARKER} (which tells the test to kill); once that
 * file exists (after the restart), nothing is held any more.
 */
final class CrashPoints {

    /** OpenSearch acknowledged a bulk; its chunk is not deleted yet. */
    static final String BULK_ACKNOWLEDGED = "bulk-acknowledged";
    /** A chunk is sealed on disk; the checkpoints its lines allow are not saved yet. */
    static final String CHUNK_SEALED = "chunk-sealed";

    private static final String POINT;
    private static final int OCCURRENCE;
    private static final Path MARKER;
    private static int reached;

    static {
        String setting = System.getenv("PORTAL_LOG_CRASH_POINT");
        String marker = System.getenv("PORTAL_LOG_CRASH_MARKER");
        if (setting == null || marker == null || !setting.contains(":")) {
            POINT = null;
            OCCURRENCE = 0;
            MARKER = null;
        } else {
            POINT = setting.substring(0, setting.indexOf(':'));
            OCCURRENCE = Integer.parseInt(setting.substring(setting.indexOf(':') + 1));
            MARKER = Path.of(marker);
        }
    }

    static void reach(String point) {
        if (POINT == null || !POINT.equals(point) || Files.exists(MARKER)) {
            return;
        }
        synchronized (CrashPoints.class) {
            if (++reached != OCCURRENCE) {
                return;
            }
            try {
                Files.writeString(MARKER, point);
                while (true) {
                    Thread.sleep(60_000); // until the test kills the process
                }
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException("crash point " + point, e);
            }
        }
    }

    private CrashPoints() {
    }
}
