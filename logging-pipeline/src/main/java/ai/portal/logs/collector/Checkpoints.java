package ai.portal.logs.collector;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The collector's {@code pos} file, like Fluentd's {@code pos_file}: per path, the identity of the file last
 * tailed there and the offset up to which its lines are safe (sealed into the disk buffer). One line per file,
 * {@code <path>\t<identity>\t<offset>}; rewritten whole (temp file, fsync, atomic rename), so a crash leaves
 * either the old or the new version.
 */
final class Checkpoints {

    record Position(String identity, long offset) {
    }

    private final Path file;
    private final Map<String, Position> positions = new TreeMap<>();

    Checkpoints(Path file) {
        this.file = file;
        try {
            if (Files.isRegularFile(file)) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    String[] parts = line.split("\t");
                    if (parts.length == 3) {
                        positions.put(parts[0], new Position(parts[1], Long.parseLong(parts[2])));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    synchronized Optional<Position> of(Path path) {
        return Optional.ofNullable(positions.get(path.toString()));
    }

    /** Applies progress (path → position; a null position forgets the path) and persists. */
    synchronized void commit(Map<String, Position> progress) throws IOException {
        if (progress.isEmpty()) {
            return;
        }
        progress.forEach((path, position) -> {
            if (position == null) {
                positions.remove(path);
            } else {
                positions.put(path, position);
            }
        });
        StringBuilder text = new StringBuilder();
        positions.forEach((path, position) -> text.append(path).append('\t').append(position.identity())
                .append('\t').append(position.offset()).append('\n'));
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            out.write(ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8)));
            out.force(true);
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
