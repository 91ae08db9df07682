package ai.portal.logs.collector;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The chunk the reader is filling: bulk items in memory plus the checkpoint progress its lines allow. Sealing puts
 * the chunk on disk first and moves the checkpoints after, so a crash between the two re-reads lines (answered 409)
 * and never loses one.
 */
final class OpenChunk {

    private final DiskBuffer buffer;
    private final Checkpoints checkpoints;
    private final CollectorProperties properties;
    private ByteArrayOutputStream items = new ByteArrayOutputStream();
    private int lines;
    private long openedNanos;
    private final Map<String, Checkpoints.Position> progress = new HashMap<>();

    OpenChunk(DiskBuffer buffer, Checkpoints checkpoints, CollectorProperties properties) {
        this.buffer = buffer;
        this.checkpoints = checkpoints;
        this.properties = properties;
    }

    ByteArrayOutputStream items() {
        return items;
    }

    /** One more line was written to {@link #items()}; seals when the chunk is full. */
    void added() throws IOException {
        if (lines++ == 0) {
            openedNanos = System.nanoTime();
        }
        if (lines >= properties.batchLines() || items.size() >= properties.batchSize().toBytes()) {
            seal();
        }
    }

    /** The checkpoint of {@code path} may move to {@code position} (null: forget the path) once this chunk is sealed. */
    void progress(String path, Checkpoints.Position position) {
        progress.put(path, position);
    }

    /** Seals when the oldest line has waited {@code flush-interval}; with no lines, just saves the progress. */
    void sealIfDue() throws IOException {
        if (lines > 0 && System.nanoTime() - openedNanos >= properties.flushInterval().toNanos()) {
            seal();
        } else if (lines == 0 && !progress.isEmpty()) {
            checkpoints.commit(progress);
            progress.clear();
        }
    }

    void sealIfAny() throws IOException {
        if (lines > 0) {
            seal();
        }
    }

    /** Chunk to disk first, then the checkpoints that its lines allow. */
    private void seal() throws IOException {
        if (lines > 0) {
            buffer.seal(items.toByteArray());
            CrashPoints.reach(CrashPoints.CHUNK_SEALED);
        }
        checkpoints.commit(progress);
        progress.clear();
        items = new ByteArrayOutputStream(Math.max(1024, items.size()));
        lines = 0;
    }
}
