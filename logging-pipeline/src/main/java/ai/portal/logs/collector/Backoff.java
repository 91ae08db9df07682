package ai.portal.logs.collector;

import java.time.Duration;

/** Exponential backoff between failed attempts: {@code first}, doubling up to {@code max}, back to {@code first} on success. */
final class Backoff {

    private final Duration first;
    private final Duration max;
    private Duration next;

    Backoff(Duration first, Duration max) {
        this.first = first;
        this.max = max;
        this.next = first;
    }

    /** How long to wait after this failure. */
    synchronized Duration failed() {
        Duration wait = next;
        Duration doubled = next.multipliedBy(2);
        next = doubled.compareTo(max) > 0 ? max : doubled;
        return wait;
    }

    synchronized void succeeded() {
        next = first;
    }
}
