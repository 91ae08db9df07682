package ai.portal.tenant.sync;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A keyed work queue in the manner of client-go's {@code workqueue}, the queue every Kubernetes controller is built
 * on; neither fabric8 nor Reactor has one, so this is the least of it, under one lock:
 *
 * <ul>
 *   <li><b>deduplication</b>: a key asked for many times before a worker takes it is handed out once;</li>
 *   <li><b>never two at once per key</b>: a key being processed is not handed out again; asked for meanwhile, it
 *       is marked and handed out once more when {@link #done} is called, so a request that arrives while a run
 *       finishes is never lost (the run may have read the database before the change);</li>
 *   <li><b>per-key retry with exponential backoff</b>: {@link #retryLater} adds the key again after
 *       {@code base * 2^(failures-1)}, at most {@code max}; {@link #forget} resets the count after a success.</li>
 * </ul>
 */
final class WorkQueue {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition available = lock.newCondition();
    /** Keys handed out next, in order; each is also in {@link #wanted}. */
    private final Deque<String> ready = new ArrayDeque<>();
    /** Keys asked for and not yet handed out (ready, or processing and asked for again). */
    private final Set<String> wanted = new HashSet<>();
    private final Set<String> processing = new HashSet<>();
    private final Map<String, Integer> failures = new HashMap<>();
    private final Set<String> waitingToRetry = new HashSet<>();
    private final Duration retryBase;
    private final Duration retryMax;
    private final ScheduledExecutorService delays;
    private boolean shutDown;

    WorkQueue(Duration retryBase, Duration retryMax) {
        this.retryBase = retryBase;
        this.retryMax = retryMax;
        this.delays = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon()
                .name("reconcile-retry").factory());
    }

    /** Asks for {@code key}: handed out once, however often it is asked for before a worker takes it. */
    void add(String key) {
        lock.lock();
        try {
            if (shutDown || !wanted.add(key) || processing.contains(key)) {
                return;
            }
            ready.addLast(key);
            available.signal();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The next key, once there is one, marked as processing until {@link #done}; {@code null} once the queue is shut
     * down.
     */
    String take() throws InterruptedException {
        lock.lock();
        try {
            while (ready.isEmpty() && !shutDown) {
                available.await();
            }
            if (shutDown) {
                return null;
            }
            String key = ready.pollFirst();
            wanted.remove(key);
            processing.add(key);
            return key;
        } finally {
            lock.unlock();
        }
    }

    /** The run of {@code key} ended: if it was asked for meanwhile, it is handed out again. */
    void done(String key) {
        lock.lock();
        try {
            processing.remove(key);
            if (wanted.contains(key) && !shutDown) {
                ready.addLast(key);
                available.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Asks for {@code key} again after its backoff; returns the delay. Call {@link #done} as well. */
    Duration retryLater(String key) {
        Duration delay;
        lock.lock();
        try {
            int failed = failures.merge(key, 1, Integer::sum);
            delay = backoff(failed);
            waitingToRetry.add(key);
        } finally {
            lock.unlock();
        }
        delays.schedule(() -> {
            lock.lock();
            try {
                waitingToRetry.remove(key);
            } finally {
                lock.unlock();
            }
            add(key);
        }, delay.toMillis(), TimeUnit.MILLISECONDS);
        return delay;
    }

    /** The key succeeded: its next failure starts the backoff from the beginning. */
    void forget(String key) {
        lock.lock();
        try {
            failures.remove(key);
        } finally {
            lock.unlock();
        }
    }

    Duration backoff(int failed) {
        long millis = retryBase.toMillis() << Math.min(failed - 1, 30);
        return Duration.ofMillis(Math.min(millis <= 0 ? Long.MAX_VALUE : millis, retryMax.toMillis()));
    }

    /** Hands nothing out any more and wakes every waiting worker; what was asked for is dropped. */
    void shutDown() {
        lock.lock();
        try {
            shutDown = true;
            ready.clear();
            wanted.clear();
            available.signalAll();
        } finally {
            lock.unlock();
        }
        delays.shutdownNow();
    }

    /** Waiting, processing, and waiting to be retried: for health and metrics. */
    Depth depth() {
        lock.lock();
        try {
            return new Depth(ready.size(), processing.size(), waitingToRetry.size());
        } finally {
            lock.unlock();
        }
    }

    record Depth(int waiting, int processing, int retrying) {
    }
}
