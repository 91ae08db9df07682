package ai.portal.opensearch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Starts the real engine; no mocks. Each start takes roughly 10-20 s on two cores. */
class LocalOpenSearchTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @AfterAll
    static void closeClient() {
        HTTP.close();
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void keepsIndexedDocumentsAcrossRestart(@TempDir Path home) throws Exception {
        int port = freePort();
        try (LocalOpenSearch node = LocalOpenSearch.start(home, port)) {
            assertThat(node.httpUri()).isEqualTo(URI.create("http://127.0.0.1:" + port));

            HttpResponse<String> health = get(node, "/_cluster/health");
            assertThat(health.body()).contains("\"cluster_name\":\"ai-portal\"").contains("\"status\":\"green\"");

            String bulk = """
                    {"index":{"_index":"jobs","_id":"1"}}
                    {"tenant":"acme","name":"train resnet on eight gpus","state":"RUNNING"}
                    {"index":{"_index":"jobs","_id":"2"}}
                    {"tenant":"acme","name":"notebook for data exploration","state":"SUCCEEDED"}
                    {"index":{"_index":"jobs","_id":"3"}}
                    {"tenant":"globex","name":"fine tune llama on gpus","state":"FAILED"}
                    """;
            HttpResponse<String> indexed = send(node, "POST", "/_bulk?refresh=true", bulk, "application/x-ndjson");
            assertThat(indexed.statusCode()).isEqualTo(200);
            assertThat(indexed.body()).contains("\"errors\":false");

            assertThat(search(node, "gpus")).contains("\"total\":{\"value\":2,");
            // 0 replicas by default, so the new index is green on one node
            assertThat(get(node, "/_cluster/health/jobs").body()).contains("\"status\":\"green\"");
            assertThat(get(node, "/jobs/_settings").body()).contains("\"number_of_replicas\":\"0\"");
        }

        try (LocalOpenSearch restarted = LocalOpenSearch.start(home, port)) {
            assertThat(search(restarted, "gpus")).contains("\"total\":{\"value\":2,");
            assertThat(get(restarted, "/jobs/_doc/2").body()).contains("notebook for data exploration");
            assertThat(get(restarted, "/jobs/_count").body()).contains("\"count\":3");
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void launcherPrintsReadyLineAndKeepsDataWhenStoppedWithSigterm(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("opensearch");
        int port = freePort();
        Path moduleDir = Path.of("").toAbsolutePath();
        String classpath = moduleDir.resolve("target/classes") + ":"
                + Files.readString(moduleDir.resolve("target/classpath.txt")).trim();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();

        Process process = new ProcessBuilder(java, "-Xmx512m", "-cp", classpath,
                "ai.portal.opensearch.LocalOpenSearchMain", "--data", data.toString(), "--http-port", "" + port)
                .redirectErrorStream(true).start();
        List<String> output = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread reader = Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    output.add(line);
                    if (line.startsWith("OpenSearch ready on ")) {
                        ready.complete(line);
                    }
                }
            } catch (IOException e) {
                ready.completeExceptionally(e);
            }
            ready.completeExceptionally(new IllegalStateException("launcher exited before ready:\n"
                    + String.join("\n", output)));
        });
        try {
            assertThat(ready.get(3, TimeUnit.MINUTES)).isEqualTo("OpenSearch ready on http://127.0.0.1:" + port);

            URI uri = URI.create("http://127.0.0.1:" + port);
            HttpResponse<String> put = HTTP.send(HttpRequest.newBuilder(uri.resolve("/notes/_doc/n1"))
                    .header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"text\":\"kept after sigterm\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(put.statusCode()).isEqualTo(201);

            // SIGTERM; unlike Process.destroy() this leaves our end of the launcher's stdout open
            assertThat(process.toHandle().destroy()).isTrue();
            assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("launcher stops after SIGTERM").isTrue();
            reader.join(10_000);
            // 143 = 128 + SIGTERM: the JVM's exit status after it ran the shutdown hooks
            assertThat(process.exitValue()).as(String.join("\n", output)).isIn(0, 143);
            assertThat(output).contains("OpenSearch stopped");
        } finally {
            process.destroyForcibly();
        }

        try (LocalOpenSearch restarted = LocalOpenSearch.start(data, freePort())) {
            assertThat(get(restarted, "/notes/_doc/n1").body()).contains("kept after sigterm");
        }
    }

    private static String search(LocalOpenSearch node, String word) throws Exception {
        HttpResponse<String> response = send(node, "POST", "/jobs/_search",
                "{\"query\":{\"match\":{\"name\":\"" + word + "\"}}}", "application/json");
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    private static HttpResponse<String> get(LocalOpenSearch node, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(node.httpUri().resolve(path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> send(LocalOpenSearch node, String method, String path, String body,
            String contentType) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(node.httpUri().resolve(path)).header("Content-Type", contentType)
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
