package ai.portal.logs.collector;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import ai.portal.logs.kubernetes.PodMetadata;
import ai.portal.logs.opensearch.LogIndices;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tails the kubelet's container log files into OpenSearch. Two loops (see {@code DESIGN.md}): the reader turns
 * new bytes into bulk items and seals them into the {@link DiskBuffer}, then moves the {@link Checkpoints};
 * the shipper sends the oldest sealed chunk and deletes it once acknowledged. A line's checkpoint moves only after
 * its chunk is on disk, and its document id is fixed by file identity and offset, so a crash anywhere re-reads
 * or re-sends lines but never loses or doubles one.
 */
public class LogCollector {

    /** Counters for tests, benchmarks and metrics. */
    public record Stats(long linesRead, long linesIndexed, long duplicates, long rejected, long bulkFailures,
                        int bufferedChunks, long bufferedBytes, boolean openSearchAvailable, boolean backpressured) {
    }

    private static final Logger log = LoggerFactory.getLogger(LogCollector.class);
    private static final Duration SHIPPER_IDLE = Duration.ofMillis(20);
    private static final Duration RETENTION_EVERY = Duration.ofHours(1);

    private final CollectorProperties properties;
    private final LogIndices indices;
    private final BulkShipper shipper;
    private final RecordEncoder encoder;
    private final Checkpoints checkpoints;
    private final DiskBuffer buffer;
    private final Map<Path, TailedFile> files = new LinkedHashMap<>();
    private final Object housekeeping = new Object();
    /** Shipper steps hold the read lock; {@link #halt()} takes the write lock to wait for those in flight. */
    private final java.util.concurrent.locks.ReentrantReadWriteLock shipping = new java.util.concurrent.locks.ReentrantReadWriteLock();
    private final java.util.Set<TailedFile.Inode> finishedInodes = new java.util.LinkedHashSet<>();
    private final ByteBuffer readBuffer = ByteBuffer.allocate(256 * 1024);

    private ByteArrayOutputStream chunk = new ByteArrayOutputStream();
    private int chunkLines;
    private long chunkOpenedNanos;
    private final Map<String, Checkpoints.Position> chunkProgress = new HashMap<>();

    private final AtomicLong linesRead = new AtomicLong();
    private final AtomicLong linesIndexed = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong bulkFailures = new AtomicLong();
    private volatile boolean openSearchAvailable;
    private volatile boolean backpressured;
    private volatile boolean running;
    private volatile boolean templateReady;
    private Instant nextRetention = Instant.EPOCH;
    private volatile Duration backoff;
    private CollectorLoop reader;
    private List<CollectorLoop> senders = List.of();

    public LogCollector(CollectorProperties properties, LogIndices indices, OpenSearchClient client,
                        PodMetadata pods) {
        this.properties = properties;
        this.indices = indices;
        this.shipper = new BulkShipper(client);
        this.encoder = new RecordEncoder(indices, pods);
        try {
            Files.createDirectories(properties.stateDir());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        this.checkpoints = new Checkpoints(properties.stateDir().resolve("pos"));
        this.buffer = new DiskBuffer(properties.stateDir().resolve("buffer"));
        this.backoff = properties.retryBackoff();
    }

    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        log.info("Collecting container logs from {} (state in {}, {} chunk(s) buffered from before)",
                properties.path().toAbsolutePath(), properties.stateDir().toAbsolutePath(), buffer.chunks());
        reader = CollectorLoop.start("reader", this::readStep, () -> running);
        List<CollectorLoop> started = new ArrayList<>();
        for (int i = 0; i < Math.max(1, properties.shippers()); i++) {
            started.add(CollectorLoop.start("shipper-" + i, this::shipStep, () -> running));
        }
        senders = started;
    }

    /** Stops after the steps in progress, sealing what was read so nothing is read twice on the next start. */
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        try {
            reader.awaitEnd(Duration.ofSeconds(30));
            for (CollectorLoop sender : senders) {
                sender.awaitEnd(Duration.ofSeconds(30));
            }
            synchronized (this.files) {
                if (chunkLines > 0) {
                    seal();
                }
                files.values().forEach(TailedFile::close);
                files.clear();
            }
        } catch (IOException e) {
            log.warn("Could not seal the last chunk on stop; its lines will be read again", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops at once without sealing or checkpointing anything more, as a killed process would. For tests. */
    public synchronized void halt() {
        running = false;
        reader.cancel();
        senders.forEach(CollectorLoop::cancel);
        try {
            reader.awaitEnd(Duration.ofSeconds(5));
            for (CollectorLoop sender : senders) {
                sender.awaitEnd(Duration.ofSeconds(5));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        shipping.writeLock().lock();
        try {
            synchronized (this.files) {
                files.values().forEach(TailedFile::close);
                files.clear();
            }
        } finally {
            shipping.writeLock().unlock();
        }
    }

    public Stats stats() {
        return new Stats(linesRead.get(), linesIndexed.get(), duplicates.get(), rejected.get(), bulkFailures.get(),
                buffer.chunks(), buffer.bytes(), openSearchAvailable, backpressured);
    }

    // ---- reader ---------------------------------------------------------------------------------------------

    Duration readStep() throws IOException {
        synchronized (files) {
            if (!running) {
                return Duration.ZERO;
            }
            if (buffer.bytes() >= properties.bufferLimit().toBytes()) {
                backpressured = true;
                sealIfDue();
                return properties.pollInterval();
            }
            backpressured = false;
            retireVanishedAndRotated();
            openNewFiles();
            boolean more = false;
            int limit = (int) Math.min(Integer.MAX_VALUE, properties.readLimit().toBytes());
            for (TailedFile file : files.values()) {
                more |= readFile(file, limit);
                if (!running) {
                    break;
                }
            }
            sealIfDue();
            return more ? Duration.ZERO : properties.pollInterval();
        }
    }

    private boolean readFile(TailedFile file, int limit) throws IOException {
        if (file.truncated()) {
            log.info("{} was truncated; reading it again from the start", file.path);
            file.restartAfterTruncation();
        }
        Optional<String> identity = file.identity();
        if (identity.isEmpty()) {
            return false;
        }
        String id = identity.get();
        return file.read(limit, readBuffer, line -> append(file, id, line));
    }

    private void append(TailedFile file, String identity, TailedFile.Line line) {
        encoder.encode(file, identity, line, chunk);
        if (chunkLines++ == 0) {
            chunkOpenedNanos = System.nanoTime();
        }
        linesRead.incrementAndGet();
        if (files.get(file.path) == file) { // rotated siblings read whole have no checkpoint of their own
            chunkProgress.put(file.path.toString(), new Checkpoints.Position(identity, file.committable()));
        }
        if (chunkLines >= properties.batchLines() || chunk.size() >= properties.batchSize().toBytes()) {
            try {
                seal();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    private void sealIfDue() throws IOException {
        if (chunkLines > 0 && System.nanoTime() - chunkOpenedNanos >= properties.flushInterval().toNanos()) {
            seal();
        } else if (chunkLines == 0 && !chunkProgress.isEmpty()) {
            checkpoints.commit(chunkProgress);
            chunkProgress.clear();
        }
    }

    /** Chunk to disk first, then the checkpoints that its lines allow. */
    private void seal() throws IOException {
        if (chunkLines > 0) {
            buffer.seal(chunk.toByteArray());
        }
        checkpoints.commit(chunkProgress);
        chunkProgress.clear();
        chunk = new ByteArrayOutputStream(Math.max(1024, chunk.size()));
        chunkLines = 0;
    }

    private void retireVanishedAndRotated() throws IOException {
        List<Path> retired = new ArrayList<>();
        for (TailedFile file : files.values()) {
            Optional<TailedFile.Inode> now = TailedFile.Inode.of(file.path);
            if (now.isPresent() && now.get().equals(file.inode)) {
                continue;
            }
            // rotated (another file behind the path now) or deleted: what was written before is still readable
            // through the open channel, so read it to the end before letting go
            if (file.identity().isPresent()) {
                String identity = file.identity().get();
                while (file.read(Integer.MAX_VALUE, readBuffer, line -> append(file, identity, line))) {
                    // drain
                }
            }
            file.close();
            finished(file.inode);
            retired.add(file.path);
            if (now.isEmpty()) {
                chunkProgress.put(file.path.toString(), null);
            } else {
                readRotatedSiblings(file);
            }
            log.debug("{} {}; read to its end", file.path, now.isEmpty() ? "was deleted" : "was rotated");
        }
        retired.forEach(files::remove);
    }

    /**
     * More than one rotation between two polls: files that were rotated away before this collector ever saw them at
     * the path lie next to the rotated file ({@code 0.log.<time>}). Read those it has not finished, oldest first;
     * re-reading one by mistake costs only 409s, never a duplicate.
     */
    private void readRotatedSiblings(TailedFile rotated) throws IOException {
        Path dir = rotated.realPath.getParent();
        String prefix = rotated.realPath.getFileName() + ".";
        List<Path> siblings;
        try (Stream<Path> listing = Files.list(dir)) {
            siblings = listing.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith(prefix) && !n.endsWith(".gz") && !n.endsWith(".tmp");
            }).filter(p -> p.toFile().lastModified() >= rotated.openedAtMillis - 1_000)
                    .sorted(java.util.Comparator.comparingLong(p -> p.toFile().lastModified()))
                    .toList();
        }
        for (Path sibling : siblings) {
            Optional<TailedFile.Inode> inode = TailedFile.Inode.of(sibling);
            if (inode.isEmpty() || finishedInodes.contains(inode.get())) {
                continue;
            }
            try (TailedFile file = TailedFile.open(sibling, rotated.name, inode.get())) {
                Optional<String> identity = file.identity();
                if (identity.isPresent()) {
                    file.startAt(0);
                    while (file.read(Integer.MAX_VALUE, readBuffer, line -> append(file, identity.get(), line))) {
                        // read to the end
                    }
                }
            } catch (java.nio.file.NoSuchFileException gone) {
                continue;
            }
            finished(inode.get());
            log.debug("{} was rotated away between two polls; read it whole", sibling);
        }
    }

    private void finished(TailedFile.Inode inode) {
        finishedInodes.add(inode);
        if (finishedInodes.size() > 1_000) {
            finishedInodes.remove(finishedInodes.iterator().next());
        }
    }

    private void openNewFiles() throws IOException {
        List<Path> candidates;
        try (Stream<Path> listing = Files.list(properties.path())) {
            candidates = listing.filter(p -> !files.containsKey(p)).sorted().toList();
        } catch (java.nio.file.NoSuchFileException absent) {
            return;
        }
        for (Path path : candidates) {
            Optional<ContainerLogName> name = ContainerLogName.parse(path.getFileName().toString());
            Optional<TailedFile.Inode> inode = TailedFile.Inode.of(path);
            if (name.isEmpty() || inode.isEmpty() || !Files.isRegularFile(path)) {
                continue;
            }
            TailedFile file;
            try {
                file = TailedFile.open(path, name.get(), inode.get());
            } catch (IOException vanished) {
                continue;
            }
            Optional<String> identity = file.identity();
            if (identity.isEmpty()) {
                file.close(); // no complete first line yet: try again on the next poll
                continue;
            }
            long offset = checkpoints.of(path)
                    .filter(position -> position.identity().equals(identity.get()))
                    .map(Checkpoints.Position::offset)
                    .orElse(0L);
            file.startAt(offset);
            files.put(path, file);
        }
    }

    // ---- shipper --------------------------------------------------------------------------------------------

    Duration shipStep() throws IOException {
        shipping.readLock().lock();
        try {
            return ship();
        } finally {
            shipping.readLock().unlock();
        }
    }

    private Duration ship() throws IOException {
        if (!running) {
            return Duration.ZERO;
        }
        Duration housekeepingWait = housekeeping();
        if (housekeepingWait != null) {
            return housekeepingWait;
        }
        Optional<DiskBuffer.Chunk> claimed = buffer.claim();
        if (claimed.isEmpty()) {
            return SHIPPER_IDLE;
        }
        DiskBuffer.Chunk chunk = claimed.get();
        BulkShipper.Outcome outcome;
        try {
            outcome = shipper.send(chunk.read());
        } catch (IOException | RuntimeException e) {
            buffer.release(chunk);
            throw e;
        }
        switch (outcome) {
            case BulkShipper.Outcome.Done done -> {
                buffer.acknowledge(chunk);
                linesIndexed.addAndGet(done.created());
                duplicates.addAndGet(done.duplicates());
                rejected.addAndGet(done.rejected());
                if (!openSearchAvailable) {
                    log.info("OpenSearch takes log lines ({} chunk(s) still buffered)", buffer.chunks());
                }
                openSearchAvailable = true;
                backoff = properties.retryBackoff();
                return Duration.ZERO;
            }
            case BulkShipper.Outcome.Retry retry -> {
                buffer.release(chunk);
                return failed(retry.reason());
            }
        }
    }

    /** The index template before anything is sent, and the hourly retention check; null when nothing to wait for. */
    private Duration housekeeping() {
        synchronized (housekeeping) {
            if (!templateReady) {
                try {
                    indices.ensureTemplateAndPolicy();
                    templateReady = true;
                } catch (IOException | RuntimeException e) {
                    return failed("index template: " + e.getMessage());
                }
            }
            if (Instant.now().isAfter(nextRetention)) {
                nextRetention = Instant.now().plus(RETENTION_EVERY);
                try {
                    indices.deleteExpired(Instant.now());
                } catch (IOException | RuntimeException e) {
                    nextRetention = Instant.now().plus(Duration.ofMinutes(1));
                    log.debug("Retention check failed; tried again later", e);
                }
            }
            return null;
        }
    }

    private Duration failed(String reason) {
        bulkFailures.incrementAndGet();
        if (openSearchAvailable || bulkFailures.get() == 1) {
            log.warn("OpenSearch does not take log lines ({}); buffering on disk, retrying", reason);
        }
        openSearchAvailable = false;
        Duration wait = backoff;
        backoff = backoff.multipliedBy(2).compareTo(properties.retryBackoffMax()) > 0
                ? properties.retryBackoffMax() : backoff.multipliedBy(2);
        return wait;
    }
}
