package ai.portal.logs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/** Writes container log files the way the kubelet (and the local cluster's sim-agent) does. */
public final class CriFiles {

    public static final String CONTAINER_ID = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    public static Path file(Path dir, String pod, String namespace, String container) {
        return dir.resolve(pod + "_" + namespace + "_" + container + "-" + CONTAINER_ID + ".log");
    }

    public static void append(Path file, String stream, String tag, String message) {
        append(file, Instant.now() + " " + stream + " " + tag + " " + message + "\n");
    }

    public static void append(Path file, String raw) {
        try {
            Files.writeString(file, raw, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private CriFiles() {
    }
}
