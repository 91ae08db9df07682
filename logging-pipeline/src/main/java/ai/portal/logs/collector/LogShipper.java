package ai.portal.logs.collector;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shipping half of the collector: each step claims the oldest unclaimed chunk of the {@link DiskBuffer}, sends it
 * with {@link BulkShipper} and deletes it once OpenSearch acknowledged every line, or gives it back and backs off.
 * Several shippers share one instance (one {@link #step()} per loop). Steps hold a read lock that {@link #quiesce()}
 * takes for writing, so a halt waits for the requests in flight.
 */
final class LogShipper {

    private static final Logger log = LoggerFactory.getLogger(LogShipper.class);
    private static final Duration IDLE = Duration.ofMillis(20);

    private final DiskBuffer buffer;
    private final BulkShipper bulk;
    private final IndexHousekeeping housekeeping;
    private final Backoff backoff;
    private final ReentrantReadWriteLock inFlight = new ReentrantReadWriteLock();

    final AtomicLong linesIndexed = new AtomicLong();
    final AtomicLong duplicates = new AtomicLong();
    final AtomicLong rejected = new AtomicLong();
    final AtomicLong bulkFailures = new AtomicLong();
    volatile boolean openSearchAvailable;
    volatile boolean running = true;

    LogShipper(DiskBuffer buffer, BulkShipper bulk, IndexHousekeeping housekeeping, Backoff backoff) {
        this.buffer = buffer;
        this.bulk = bulk;
        this.housekeeping = housekeeping;
        this.backoff = backoff;
    }

    Duration step() throws IOException {
        inFlight.readLock().lock();
        try {
            return running ? shipOldest() : Duration.ZERO;
        } finally {
            inFlight.readLock().unlock();
        }
    }

    /** Stops shipping and waits for the requests in flight; no chunk is acknowledged after this returns. */
    void quiesce() {
        running = false;
        inFlight.writeLock().lock();
        inFlight.writeLock().unlock();
    }

    private Duration shipOldest() throws IOException {
        try {
            housekeeping.ready();
        } catch (IOException | RuntimeException e) {
            return failed("index template: " + e.getMessage());
        }
        Optional<DiskBuffer.Chunk> claimed = buffer.claim();
        if (claimed.isEmpty()) {
            return IDLE;
        }
        DiskBuffer.Chunk chunk = claimed.get();
        BulkShipper.Outcome outcome;
        try {
            outcome = bulk.send(chunk.read());
        } catch (IOException | RuntimeException e) {
            buffer.release(chunk);
            throw e;
        }
        return switch (outcome) {
            case BulkShipper.Outcome.Done done -> {
                CrashPoints.reach(CrashPoints.BULK_ACKNOWLEDGED);
                buffer.acknowledge(chunk);
                linesIndexed.addAndGet(done.created());
                duplicates.addAndGet(done.duplicates());
                rejected.addAndGet(done.rejected());
                if (!openSearchAvailable) {
                    log.info("OpenSearch takes log lines ({} chunk(s) still buffered)", buffer.chunks());
                }
                openSearchAvailable = true;
                backoff.succeeded();
                yield Duration.ZERO;
            }
            case BulkShipper.Outcome.Retry retry -> {
                buffer.release(chunk);
                yield failed(retry.reason());
            }
        };
    }

    private Duration failed(String reason) {
        if (bulkFailures.incrementAndGet() == 1 || openSearchAvailable) {
            log.warn("OpenSearch does not take log lines ({}); buffering on disk, retrying", reason);
        }
        openSearchAvailable = false;
        return backoff.failed();
    }
}
