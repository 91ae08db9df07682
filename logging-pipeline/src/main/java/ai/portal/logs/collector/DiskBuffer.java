package ai.portal.logs.collector;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Sealed chunks waiting for OpenSearch, like Fluentd's file buffer: each chunk is one ready-to-send bulk body
 * ({@code create} actions with deterministic ids), written to a temp file, fsynced and renamed, so after a crash
 * a chunk is either whole or absent. The reader seals, shippers claim the oldest unclaimed one, send it and delete it once
 * OpenSearch acknowledged every line; {@link #bytes()} is what the reader's backpressure looks at.
 */
final class DiskBuffer {

    record Chunk(Path file, long sequence, long bytes) {

        byte[] read() throws IOException {
            return Files.readAllBytes(file);
        }
    }

    private static final String SUFFIX = ".bulk";

    private final Path dir;
    private final ConcurrentLinkedDeque<Chunk> chunks = new ConcurrentLinkedDeque<>();
    private final AtomicLong bytes = new AtomicLong();
    private final Set<Long> inFlight = ConcurrentHashMap.newKeySet();
    private long nextSequence;

    DiskBuffer(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(dir);
            try (Stream<Path> files = Files.list(dir)) {
                files.filter(f -> f.getFileName().toString().endsWith(".tmp")).forEach(DiskBuffer::deleteQuietly);
            }
            try (Stream<Path> files = Files.list(dir)) {
                files.filter(f -> f.getFileName().toString().endsWith(SUFFIX)).sorted().forEach(f -> {
                    String name = f.getFileName().toString();
                    long sequence = Long.parseLong(name.substring(0, name.length() - SUFFIX.length()));
                    long size = f.toFile().length();
                    chunks.addLast(new Chunk(f, sequence, size));
                    bytes.addAndGet(size);
                    nextSequence = Math.max(nextSequence, sequence + 1);
                });
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Persists one bulk body; returns once it is on disk. Called by the reader only. */
    Chunk seal(byte[] body) throws IOException {
        long sequence = nextSequence++;
        Path file = dir.resolve("%020d%s".formatted(sequence, SUFFIX));
        Path temp = dir.resolve("%020d.tmp".formatted(sequence));
        try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(body);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            out.force(true);
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
        Chunk chunk = new Chunk(file, sequence, body.length);
        bytes.addAndGet(body.length);
        chunks.addLast(chunk);
        return chunk;
    }

    /** The oldest chunk no other shipper is sending, now reserved for the caller. */
    Optional<Chunk> claim() {
        for (Chunk chunk : chunks) {
            if (inFlight.add(chunk.sequence())) {
                return Optional.of(chunk);
            }
        }
        return Optional.empty();
    }

    /** Gives a claimed chunk back after a failed attempt: it stays, to be sent again. */
    void release(Chunk chunk) {
        inFlight.remove(chunk.sequence());
    }

    /** Forgets a chunk OpenSearch has acknowledged. */
    void acknowledge(Chunk chunk) throws IOException {
        Files.deleteIfExists(chunk.file());
        chunks.remove(chunk);
        bytes.addAndGet(-chunk.bytes());
        inFlight.remove(chunk.sequence());
    }

    long bytes() {
        return bytes.get();
    }

    int chunks() {
        return chunks.size();
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a stale temp file; the next start tries again
        }
    }
}
