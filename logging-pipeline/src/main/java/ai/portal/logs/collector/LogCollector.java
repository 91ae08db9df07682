package ai.portal.logs.collector;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import ai.portal.logs.kubernetes.PodMetadata;
import ai.portal.logs.opensearch.LogIndices;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tails the kubelet's container log files into OpenSearch: the lifecycle of the two loops (see {@code DESIGN.md}).
 * The {@link LogReader} turns new bytes into bulk items and seals them into the {@link DiskBuffer}, then moves the
 * {@link Checkpoints}; the {@link LogShipper}s send the oldest sealed chunk and delete it once acknowledged. A line's
 * checkpoint moves only after its chunk is on disk, and its document id is fixed by file identity and offset, so a
 * crash anywhere re-reads or re-sends lines but never loses or doubles one.
 */
public class LogCollector {

    /** Counters for tests, benchmarks and metrics. */
    public record Stats(long linesRead, long linesIndexed, long duplicates, long rejected, long bulkFailures,
                        int bufferedChunks, long bufferedBytes, boolean openSearchAvailable, boolean backpressured) {
    }

    private static final Logger log = LoggerFactory.getLogger(LogCollector.class);
    private static final Duration STOP_WAIT = Duration.ofSeconds(30);
    private static final Duration HALT_WAIT = Duration.ofSeconds(5);

    private final CollectorProperties properties;
    private final DiskBuffer buffer;
    private final LogReader reader;
    private final LogShipper shipper;
    private boolean started;
    private CollectorLoop readLoop;
    private List<CollectorLoop> shipLoops = List.of();

    public LogCollector(CollectorProperties properties, LogIndices indices, OpenSearchClient client,
                        PodMetadata pods) {
        this.properties = properties;
        try {
            Files.createDirectories(properties.stateDir());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.buffer = new DiskBuffer(properties.stateDir().resolve("buffer"));
        this.reader = new LogReader(properties, new RecordEncoder(indices, pods),
                new Checkpoints(properties.stateDir().resolve("pos")), buffer);
        this.shipper = new LogShipper(buffer, new BulkShipper(client), new IndexHousekeeping(indices),
                new Backoff(properties.retryBackoff(), properties.retryBackoffMax()));
    }

    public synchronized void start() {
        if (started) {
            return;
        }
        started = true;
        log.info("Collecting container logs from {} (state in {}, {} chunk(s) buffered from before)",
                properties.path().toAbsolutePath(), properties.stateDir().toAbsolutePath(), buffer.chunks());
        readLoop = CollectorLoop.start("reader", reader::step, () -> reader.running);
        List<CollectorLoop> loops = new ArrayList<>();
        for (int i = 0; i < Math.max(1, properties.shippers()); i++) {
            loops.add(CollectorLoop.start("shipper-" + i, shipper::step, () -> shipper.running));
        }
        shipLoops = loops;
    }

    /** Stops after the steps in progress, sealing what was read so nothing is read twice on the next start. */
    public synchronized void stop() {
        if (!started) {
            return;
        }
        started = false;
        reader.running = false;
        shipper.running = false;
        try {
            awaitLoops(STOP_WAIT);
            reader.close(true);
        } catch (IOException e) {
            log.warn("Could not seal the last chunk on stop; its lines will be read again", e);
        }
    }

    /** Stops at once without sealing or checkpointing anything more, as a killed process would. For tests. */
    public synchronized void halt() {
        started = false;
        reader.running = false;
        shipper.running = false;
        readLoop.cancel();
        shipLoops.forEach(CollectorLoop::cancel);
        awaitLoops(HALT_WAIT);
        shipper.quiesce();
        try {
            reader.close(false);
        } catch (IOException unreachable) {
            // nothing is sealed on a halt
        }
    }

    public Stats stats() {
        return new Stats(reader.linesRead.get(), shipper.linesIndexed.get(), shipper.duplicates.get(),
                shipper.rejected.get(), shipper.bulkFailures.get(), buffer.chunks(), buffer.bytes(),
                shipper.openSearchAvailable, reader.backpressured);
    }

    private void awaitLoops(Duration timeout) {
        try {
            readLoop.awaitEnd(timeout);
            for (CollectorLoop loop : shipLoops) {
                loop.awaitEnd(timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
