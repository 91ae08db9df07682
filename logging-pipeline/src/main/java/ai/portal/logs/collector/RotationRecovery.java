package ai.portal.logs.collector;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * More than one rotation between two polls: files that were rotated away before the reader ever saw them at the
 * path lie next to the rotated file ({@code 0.log.<time>}). This reads those the reader has not finished, oldest
 * first; re-reading one by mistake costs only 409s, never a duplicate. Remembers the last thousand finished files.
 */
final class RotationRecovery {

    private static final Logger log = LoggerFactory.getLogger(RotationRecovery.class);
    private static final int REMEMBERED = 1_000;

    /** Hands each line of a sibling to the open chunk. */
    interface LineSink {
        void accept(TailedFile file, String identity, TailedFile.Line line);
    }

    private final Set<TailedFile.Inode> finished = new LinkedHashSet<>();

    void finished(TailedFile.Inode inode) {
        finished.add(inode);
        if (finished.size() > REMEMBERED) {
            finished.remove(finished.iterator().next());
        }
    }

    /**
     * The file a checkpoint speaks of is no longer at its path: it was rotated while the collector was stopped. Reads
     * its rest from where the checkpoint left it, then whole any file rotated after it, oldest first (what Fluentd's
     * {@code follow_inodes} does). Without a sibling of that identity (deleted, or compressed), there is nothing left
     * to read.
     */
    void readRemainderAfterRestart(Path path, ContainerLogName name, Checkpoints.Position position,
                                   TailedFile.Inode current, ByteBuffer readBuffer, LineSink sink) throws IOException {
        Path real = path.toRealPath();
        boolean found = false;
        for (Path sibling : siblings(real, 0)) {
            Optional<TailedFile.Inode> inode = TailedFile.Inode.of(sibling);
            if (inode.isEmpty() || inode.get().equals(current) || finished.contains(inode.get())) {
                continue;
            }
            try (TailedFile file = TailedFile.open(sibling, name, inode.get())) {
                Optional<String> identity = file.identity();
                if (identity.isEmpty()) {
                    continue;
                }
                if (!found && !identity.get().equals(position.identity())) {
                    continue;
                }
                file.startAt(found ? 0 : position.offset());
                found = true;
                while (file.read(Integer.MAX_VALUE, readBuffer, line -> sink.accept(file, identity.get(), line))) {
                    // read to the end
                }
            } catch (NoSuchFileException gone) {
                continue;
            }
            finished(inode.get());
            log.info("{} was rotated while the collector was stopped; read the rest of it", sibling);
        }
    }

    private static List<Path> siblings(Path real, long modifiedSince) throws IOException {
        String prefix = real.getFileName() + ".";
        try (Stream<Path> listing = Files.list(real.getParent())) {
            return listing.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith(prefix) && !n.endsWith(".gz") && !n.endsWith(".tmp");
            }).filter(p -> p.toFile().lastModified() >= modifiedSince)
                    .sorted(Comparator.comparingLong(p -> p.toFile().lastModified()))
                    .toList();
        }
    }

    void readSiblingsOf(TailedFile rotated, ByteBuffer readBuffer, LineSink sink) throws IOException {
        for (Path sibling : siblings(rotated.realPath, rotated.openedAtMillis - 1_000)) {
            Optional<TailedFile.Inode> inode = TailedFile.Inode.of(sibling);
            if (inode.isEmpty() || finished.contains(inode.get())) {
                continue;
            }
            try (TailedFile file = TailedFile.open(sibling, rotated.name, inode.get())) {
                Optional<String> identity = file.identity();
                if (identity.isPresent()) {
                    file.startAt(0);
                    while (file.read(Integer.MAX_VALUE, readBuffer, line -> sink.accept(file, identity.get(), line))) {
                        // read to the end
                    }
                }
            } catch (NoSuchFileException gone) {
                continue;
            }
            finished(inode.get());
            log.debug("{} was rotated away between two polls; read it whole", sibling);
        }
    }
}
