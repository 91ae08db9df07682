package ai.portal.logs.query;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.stereotype.Component;

/** Counts the live tails each user holds open on this replica, so one user cannot hold an unbounded number. */
@Component
public class OpenStreams {

    private final ConcurrentHashMap<String, AtomicInteger> open = new ConcurrentHashMap<>();
    private final int limit;

    public OpenStreams(QueryProperties properties) {
        this.limit = properties.maxStreamsPerUser();
    }

    /** Takes one of the user's places; throws when the user holds {@code max-streams-per-user} already. */
    void open(String subject) {
        AtomicInteger count = open.computeIfAbsent(subject, key -> new AtomicInteger());
        if (count.incrementAndGet() > limit) {
            count.decrementAndGet();
            throw new LogQueryExceptions.TooManyStreams(limit);
        }
    }

    void close(String subject) {
        open.computeIfPresent(subject, (key, count) -> count.decrementAndGet() <= 0 ? null : count);
    }
}
