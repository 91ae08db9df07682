package ai.portal.logs.query;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import org.springframework.stereotype.Component;

/** Counts the live tails each user holds open on this replica, so one user cannot hold an unbounded number. */
@Component
public class OpenStreams {

    /** Open streams per subject; a subject with none has no entry (counted and removed atomically per key). */
    private final ConcurrentHashMap<String, Integer> open = new ConcurrentHashMap<>();
    private final int limit;

    public OpenStreams(QueryProperties properties) {
        this.limit = properties.maxStreamsPerUser();
    }

    /** Takes one of the user's places; throws when the user holds {@code max-streams-per-user} already. */
    void open(String subject) {
        AtomicBoolean refused = new AtomicBoolean();
        open.compute(subject, (key, count) -> {
            int held = count == null ? 0 : count;
            if (held >= limit) {
                refused.set(true);
                return count;
            }
            return held + 1;
        });
        if (refused.get()) {
            throw new LogQueryExceptions.TooManyStreams(limit);
        }
    }

    void close(String subject) {
        open.computeIfPresent(subject, (key, count) -> count <= 1 ? null : count - 1);
    }
}
