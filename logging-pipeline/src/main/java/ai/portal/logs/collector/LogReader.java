package ai.portal.logs.collector;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reading half of the collector: each step lists the log folder, lets go of rotated and deleted files after
 * reading them to their end (and recovers files rotated away in between, {@link RotationRecovery}), opens new ones
 * at their checkpoint, reads up to {@code read-limit} per file and turns lines into bulk items in the
 * {@link OpenChunk}. Stops reading while the disk buffer is over its limit (backpressure). One thread at a time.
 */
final class LogReader {

    private static final Logger log = LoggerFactory.getLogger(LogReader.class);

    private final CollectorProperties properties;
    private final RecordEncoder encoder;
    private final Checkpoints checkpoints;
    private final DiskBuffer buffer;
    private final OpenChunk chunk;
    private final RotationRecovery rotation = new RotationRecovery();
    private final Map<Path, TailedFile> files = new LinkedHashMap<>();
    private final ByteBuffer readBuffer = ByteBuffer.allocate(256 * 1024);

    final AtomicLong linesRead = new AtomicLong();
    volatile boolean backpressured;
    volatile boolean running = true;

    LogReader(CollectorProperties properties, RecordEncoder encoder, Checkpoints checkpoints, DiskBuffer buffer) {
        this.properties = properties;
        this.encoder = encoder;
        this.checkpoints = checkpoints;
        this.buffer = buffer;
        this.chunk = new OpenChunk(buffer, checkpoints, properties);
    }

    synchronized Duration step() throws IOException {
        if (!running) {
            return Duration.ZERO;
        }
        if (buffer.bytes() >= properties.bufferLimit().toBytes()) {
            backpressured = true;
            chunk.sealIfDue();
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
        chunk.sealIfDue();
        return more ? Duration.ZERO : properties.pollInterval();
    }

    /** After the last step: seals what was read, so nothing is read twice on the next start. */
    synchronized void close(boolean seal) throws IOException {
        running = false;
        try {
            if (seal) {
                chunk.sealIfAny();
            }
        } finally {
            files.values().forEach(TailedFile::close);
            files.clear();
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
        encoder.encode(file, identity, line, chunk.items());
        linesRead.incrementAndGet();
        if (files.get(file.path) == file) { // rotated siblings read whole have no checkpoint of their own
            chunk.progress(file.path.toString(), new Checkpoints.Position(identity, file.committable()));
        }
        try {
            chunk.added();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
            Optional<String> identity = file.identity();
            if (identity.isPresent()) {
                while (file.read(Integer.MAX_VALUE, readBuffer, line -> append(file, identity.get(), line))) {
                    // drain
                }
            }
            file.close();
            rotation.finished(file.inode);
            retired.add(file.path);
            if (now.isEmpty()) {
                chunk.progress(file.path.toString(), null);
            } else {
                rotation.readSiblingsOf(file, readBuffer, this::append);
            }
            log.debug("{} {}; read to its end", file.path, now.isEmpty() ? "was deleted" : "was rotated");
        }
        retired.forEach(files::remove);
    }

    private void openNewFiles() throws IOException {
        List<Path> candidates;
        try (Stream<Path> listing = Files.list(properties.path())) {
            candidates = listing.filter(p -> !files.containsKey(p)).sorted().toList();
        } catch (NoSuchFileException absent) {
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
            Optional<Checkpoints.Position> checkpoint = checkpoints.of(path);
            if (checkpoint.isPresent() && !checkpoint.get().identity().equals(identity.get())) {
                rotation.readRemainderAfterRestart(path, name.get(), checkpoint.get(), inode.get(), readBuffer,
                        this::append);
            }
            long offset = checkpoint.filter(position -> position.identity().equals(identity.get()))
                    .map(Checkpoints.Position::offset)
                    .orElse(0L);
            file.startAt(offset);
            files.put(path, file);
        }
    }
}
