package ai.portal.platform.audit;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many refusal rows one actor may add to the audit log per minute. A client in a loop (or someone probing) would
 * otherwise grow the table without bound with rows that say the same thing; past the budget its refusals are counted,
 * not written, and the next row written for it says how many were left out. The requests themselves are refused as
 * always. A successful change and our own failures are always recorded.
 */
final class RefusalBudget {

    static final Duration WINDOW = Duration.ofMinutes(1);
    /** Entries kept before idle ones are dropped: a bound on memory, not on actors. */
    private static final int MAX_TRACKED = 10_000;

    private final int perWindow;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    RefusalBudget(int perWindow) {
        this.perWindow = perWindow;
    }

    /** Whether this refusal gets its row; if so, how many of the actor's refusals before it were left out. */
    record Decision(boolean record, long leftOut) {
    }

    Decision admit(String actor, Instant now) {
        if (windows.size() > MAX_TRACKED) {
            windows.values().removeIf(window -> window.start.plus(WINDOW).isBefore(now));
        }
        Decision[] decision = new Decision[1];
        windows.compute(actor, (key, window) -> {
            Window current = window == null || !now.isBefore(window.start.plus(WINDOW))
                    ? new Window(now, 0, window == null ? 0 : window.leftOut) : window;
            if (current.recorded < perWindow) {
                decision[0] = new Decision(true, current.leftOut);
                return new Window(current.start, current.recorded + 1, 0);
            }
            decision[0] = new Decision(false, 0);
            return new Window(current.start, current.recorded, current.leftOut + 1);
        });
        return decision[0];
    }

    private record Window(Instant start, int recorded, long leftOut) {
    }
}
