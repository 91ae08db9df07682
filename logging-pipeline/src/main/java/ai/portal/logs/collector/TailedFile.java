package ai.portal.logs.collector;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.zip.CRC32;

/**
 * One container log file being tailed. It keeps the file open, so a file that is rotated (renamed) or deleted
 * can still be read to its end. Physical lines are cut at {@code \n}; CRI partial lines ({@code P}) are joined
 * with their continuation up to the {@code F} line, and the logical line is reported with the offset where its
 * first part began (part of the document id) and the offset after its last part (what a checkpoint may record).
 * Not thread-safe: only the collector's reader touches it.
 */
final class TailedFile implements AutoCloseable {

    /** A complete logical line. {@code start} is the byte offset of its first physical line, {@code end} after its last. */
    record Line(long start, long end, CriLine cri) {
    }

    /** Device and inode of the file behind a path (symlinks followed), empty when it vanished. */
    record Inode(long device, long inode) {

        static Optional<Inode> of(Path path) {
            try {
                Map<String, Object> attributes = Files.readAttributes(path, "unix:dev,ino");
                return Optional.of(new Inode(((Number) attributes.get("dev")).longValue(),
                        ((Number) attributes.get("ino")).longValue()));
            } catch (IOException | UnsupportedOperationException e) {
                return Optional.empty();
            }
        }
    }

    private static final int MAX_LINE = 1 << 20;

    final Path path;
    /** The file behind the path when it was opened (the kubelet's {@code .../<container>/0.log}): where rotated files lie. */
    final Path realPath;
    final long openedAtMillis;
    final ContainerLogName name;
    final Inode inode;
    private final FileChannel channel;
    private String identity;
    private long readPosition;
    private long committable;
    private final ByteArrayOutputStream carry = new ByteArrayOutputStream();
    private long carryStart = -1;
    private StringBuilder partial;
    private CriLine partialHead;
    private long partialStart = -1;

    private TailedFile(Path path, ContainerLogName name, Inode inode, FileChannel channel) throws IOException {
        this.path = path;
        this.realPath = path.toRealPath();
        this.openedAtMillis = System.currentTimeMillis();
        this.name = name;
        this.inode = inode;
        this.channel = channel;
    }

    static TailedFile open(Path path, ContainerLogName name, Inode inode) throws IOException {
        return new TailedFile(path, name, inode, FileChannel.open(path, StandardOpenOption.READ));
    }

    /**
     * The file's identity: device, inode and a hash of its first line, so a reused inode is a new file. Empty
     * until the first line is complete.
     */
    Optional<String> identity() throws IOException {
        if (identity == null) {
            identity = computeIdentity();
        }
        return Optional.ofNullable(identity);
    }

    private String computeIdentity() throws IOException {
        ByteBuffer head = ByteBuffer.allocate(512);
        int n = channel.read(head, 0);
        if (n <= 0) {
            return null;
        }
        int end = -1;
        for (int i = 0; i < n; i++) {
            if (head.get(i) == '\n') {
                end = i;
                break;
            }
        }
        if (end < 0 && n < head.capacity()) {
            return null;
        }
        CRC32 crc = new CRC32();
        crc.update(head.array(), 0, end < 0 ? n : end);
        return Long.toHexString(inode.device()) + "-" + Long.toHexString(inode.inode()) + "-"
                + Long.toHexString(crc.getValue());
    }

    void startAt(long offset) {
        readPosition = offset;
        committable = offset;
    }

    long committable() {
        return committable;
    }

    /**
     * Truncated in place (copytruncate): shorter than what was read, or, when it has grown past that again
     * before this poll, a different first line. Either way: start over as a new file.
     */
    boolean truncated() throws IOException {
        if (channel.size() < readPosition) {
            return true;
        }
        return identity != null && readPosition > 0 && !identity.equals(computeIdentity());
    }

    void restartAfterTruncation() {
        identity = null;
        carry.reset();
        carryStart = -1;
        partial = null;
        partialHead = null;
        readPosition = 0;
        committable = 0;
    }

    /**
     * Reads up to {@code limit} bytes and hands every complete logical line to {@code sink}.
     *
     * @return whether more bytes are waiting beyond the limit
     */
    boolean read(int limit, ByteBuffer buffer, Consumer<Line> sink) throws IOException {
        int budget = limit;
        while (budget > 0) {
            buffer.clear();
            buffer.limit(Math.min(buffer.capacity(), budget));
            int n = channel.read(buffer, readPosition);
            if (n <= 0) {
                return false;
            }
            budget -= n;
            byte[] bytes = buffer.array();
            int lineStart = 0;
            for (int i = 0; i < n; i++) {
                if (bytes[i] != '\n') {
                    continue;
                }
                long start;
                String text;
                if (carry.size() > 0) {
                    carry.write(bytes, lineStart, i - lineStart);
                    start = carryStart;
                    text = carry.toString(StandardCharsets.UTF_8);
                    carry.reset();
                } else {
                    start = readPosition + lineStart;
                    text = new String(bytes, lineStart, i - lineStart, StandardCharsets.UTF_8);
                }
                physicalLine(start, readPosition + i + 1, text, sink);
                lineStart = i + 1;
            }
            if (lineStart < n) {
                if (carry.size() == 0) {
                    carryStart = readPosition + lineStart;
                }
                if (carry.size() < MAX_LINE) {
                    carry.write(bytes, lineStart, n - lineStart);
                }
            }
            readPosition += n;
        }
        return channel.size() > readPosition;
    }

    private void physicalLine(long start, long end, String text, Consumer<Line> sink) {
        CriLine cri = CriLine.parse(text, Instant.now());
        if (cri.partial()) {
            if (partial == null) {
                partial = new StringBuilder(cri.message());
                partialHead = cri;
                partialStart = start;
            } else if (partial.length() < MAX_LINE) {
                partial.append(cri.message());
            }
            return;
        }
        if (partial != null) {
            partial.append(cri.message());
            CriLine joined = new CriLine(partialHead.time(), partialHead.stream(), false, partial.toString());
            long joinedStart = partialStart;
            partial = null;
            partialHead = null;
            committable = end;
            sink.accept(new Line(joinedStart, end, joined));
            return;
        }
        committable = end;
        sink.accept(new Line(start, end, cri));
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing a read-only channel: nothing to lose
        }
    }
}
