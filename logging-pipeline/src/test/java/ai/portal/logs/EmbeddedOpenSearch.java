package ai.portal.logs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import ai.portal.opensearch.LocalOpenSearch;

/**
 * One real OpenSearch node for the whole test JVM (started on first use, on a free port, data in {@code target/}),
 * which a test may stop and start again on the same port and data to play an outage.
 */
public final class EmbeddedOpenSearch {

    private static LocalOpenSearch node;
    private static Path home;
    private static int port;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    public static synchronized URI uri() {
        if (node == null) {
            try {
                home = Files.createTempDirectory(Path.of("target"), "opensearch-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            node = LocalOpenSearch.start(home, 0);
            port = node.httpPort();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stop();
                deleteQuietly(home);
            }));
        }
        return URI.create("http://127.0.0.1:" + port);
    }

    public static synchronized void stop() {
        if (node != null) {
            node.close();
        }
    }

    /** Starts the node again on the same port and data after {@link #stop()}. */
    public static synchronized void restart() {
        node = LocalOpenSearch.start(home, port);
    }

    /** A raw REST call, for checks that must not go through the code under test. */
    public static String call(String method, String path, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri().resolve(path))
                .header("Content-Type", "application/json");
        request.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // target/ is cleaned by the build anyway
        }
    }

    private EmbeddedOpenSearch() {
    }
}
