package ai.portal.logs.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import ai.portal.logs.CriFiles;
import ai.portal.logs.EmbeddedOpenSearch;
import ai.portal.logs.kubernetes.PodMetadata;
import ai.portal.logs.opensearch.LogIndices;
import ai.portal.logs.opensearch.OpenSearchProperties;
import ai.portal.testing.ServiceProcess;
import com.sun.net.httpserver.HttpServer;
import org.apache.hc.core5.http.HttpHost;
import org.junit.jupiter.api.Test;
import org.opensearch.client.json.jackson3.JacksonJsonpMapper;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5TransportBuilder;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Crash tests that crash: the logging-pipeline's boot jar runs as a real process and is killed with SIGKILL at the
 * two points where a crash is most likely to lose or double a line (held there by {@link CrashPoints} so the kill
 * lands exactly there), a file is rotated while it is down, and every line is in OpenSearch exactly once after the
 * restart. And the bulk API answering 429 for some items (through a proxy that really drops them) loses nothing.
 * Needs the boot jar: {@code mvn -pl logging-pipeline -am package -DskipTests} (the reactor build makes it).
 */
class CollectorCrashTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final AtomicInteger RUNS = new AtomicInteger();

    @Test
    void killedBetweenABulksAcknowledgementAndDeletingItsChunkEveryLineOnceAfterRestartAndRotation() throws Exception {
        crashAt(CrashPoints.BULK_ACKNOWLEDGED + ":3");
    }

    @Test
    void killedBetweenSealingAChunkAndSavingTheCheckpointEveryLineOnceAfterRestartAndRotation() throws Exception {
        crashAt(CrashPoints.CHUNK_SEALED + ":3");
    }

    private void crashAt(String point) throws Exception {
        String prefix = "crash" + RUNS.incrementAndGet() + "-" + System.nanoTime();
        Path work = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "crash-");
        Path logs = Files.createDirectories(work.resolve("containers"));
        Path marker = work.resolve("held-at");
        Path file = CriFiles.file(logs, "burst-1", "team-crash", "main");
        int total = 0;
        for (; total < 6_000; total++) {
            CriFiles.append(file, "stdout", "F", "line " + total);
        }
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("OPENSEARCH_URL", EmbeddedOpenSearch.uri().toString());
        environment.put("PORTAL_LOG_DIR", logs.toAbsolutePath().toString());
        environment.put("PORTAL_LOG_STATE_DIR", work.resolve("state").toAbsolutePath().toString());
        environment.put("PORTAL_LOG_COLLECTOR_ENABLED", "true");
        environment.put("PORTAL_LOGS_OPENSEARCH_INDEXPREFIX", prefix);
        environment.put("PORTAL_LOGS_COLLECTOR_BATCHLINES", "500");
        environment.put("PORTAL_LOGS_KUBERNETES_ENABLED", "false");
        environment.put("PORTAL_TENANT_URL", "");
        environment.put("PORTAL_LOG_CRASH_POINT", point);
        environment.put("PORTAL_LOG_CRASH_MARKER", marker.toAbsolutePath().toString());
        try (ServiceProcess service = ServiceProcess.start("logging-pipeline", environment)) {
            await().atMost(Duration.ofMinutes(2)).until(() -> Files.exists(marker));
            service.kill();
            assertThat(service.isAlive()).isFalse();

            // while it is down: more lines, then the kubelet rotates the file and the container writes on
            for (; total < 8_000; total++) {
                CriFiles.append(file, "stdout", "F", "line " + total);
            }
            Files.move(file, file.resolveSibling(file.getFileName() + ".20260101-000000"),
                    StandardCopyOption.ATOMIC_MOVE);
            for (; total < 9_000; total++) {
                CriFiles.append(file, "stdout", "F", "line " + total);
            }
            service.restart(); // the marker exists: nothing is held any more
            int expected = total;
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> count(prefix) >= expected);
            Thread.sleep(2_000); // anything doubled would show now
            assertEveryLineExactlyOnce(prefix, expected);
        }
    }

    @Test
    void itemsTheBulkApiRefusesWith429AreSentAgainAndEveryLineArrivesOnce() throws Exception {
        String prefix = "throttled-" + System.nanoTime();
        Path work = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "throttled-");
        Path logs = Files.createDirectories(work.resolve("containers"));
        AtomicInteger refused = new AtomicInteger();
        HttpServer proxy = throttlingProxy(refused);
        LogCollector collector = null;
        try {
            URI url = URI.create("http://127.0.0.1:" + proxy.getAddress().getPort());
            OpenSearchClient client = new OpenSearchClient(ApacheHttpClient5TransportBuilder
                    .builder(HttpHost.create(url)).setMapper(new JacksonJsonpMapper()).build());
            LogIndices indices = new LogIndices(new OpenSearchProperties(url, prefix, Duration.ofDays(14), 1, 0,
                    "200ms", Duration.ofSeconds(10)), client);
            collector = new LogCollector(new CollectorProperties(true, logs, work.resolve("state"),
                    Duration.ofMillis(50), 500, DataSize.ofMegabytes(5), Duration.ofMillis(100),
                    DataSize.ofMegabytes(64), DataSize.ofMegabytes(1), Duration.ofMillis(50), Duration.ofMillis(200), 2),
                    indices, client, PodMetadata.NONE);
            collector.start();
            Path file = CriFiles.file(logs, "throttled-1", "team-crash", "main");
            int total = 5_000;
            for (int i = 0; i < total; i++) {
                CriFiles.append(file, "stdout", "F", "line " + i);
            }
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> count(prefix) >= total);
            assertThat(refused.get()).as("items refused with 429").isPositive();
            assertEveryLineExactlyOnce(prefix, total);
        } finally {
            if (collector != null) {
                collector.stop();
            }
            proxy.stop(0);
        }
    }

    /**
     * A proxy in front of OpenSearch that, for the first ten bulk requests, really leaves out every seventh item and
     * answers it with 429, as a node under write pressure does.
     */
    private static HttpServer throttlingProxy(AtomicInteger refused) throws IOException {
        HttpClient http = HttpClient.newHttpClient();
        AtomicInteger bulks = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().toString();
            boolean throttle = path.startsWith("/_bulk") && bulks.incrementAndGet() <= 10;
            List<Integer> dropped = new ArrayList<>();
            List<String> droppedActions = new ArrayList<>();
            if (throttle) {
                String[] lines = new String(body, StandardCharsets.UTF_8).split("\n");
                StringBuilder kept = new StringBuilder();
                for (int item = 0; item * 2 + 1 < lines.length; item++) {
                    if (item % 7 == 3) {
                        dropped.add(item);
                        droppedActions.add(lines[item * 2]);
                    } else {
                        kept.append(lines[item * 2]).append('\n').append(lines[item * 2 + 1]).append('\n');
                    }
                }
                body = kept.toString().getBytes(StandardCharsets.UTF_8);
            }
            HttpRequest.Builder forward = HttpRequest.newBuilder(EmbeddedOpenSearch.uri().resolve(path))
                    .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            String type = exchange.getRequestHeaders().getFirst("Content-Type");
            if (type != null) {
                forward.header("Content-Type", type);
            }
            byte[] answer;
            int status;
            try {
                HttpResponse<byte[]> response = http.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
                status = response.statusCode();
                answer = response.body();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            if (throttle && status == 200 && !dropped.isEmpty()) {
                ObjectNode result = (ObjectNode) JSON.readTree(answer);
                ArrayNode items = (ArrayNode) result.path("items");
                for (int i = 0; i < dropped.size(); i++) {
                    JsonNode action = JSON.readTree(droppedActions.get(i)).path("create");
                    ObjectNode item = JSON.createObjectNode();
                    item.putObject("create").put("_index", action.path("_index").asString())
                            .put("_id", action.path("_id").asString()).put("status", 429)
                            .putObject("error").put("type", "es_rejected_execution_exception");
                    items.insert(dropped.get(i), item);
                    refused.incrementAndGet();
                }
                result.put("errors", true);
                answer = JSON.writeValueAsBytes(result);
            }
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, answer.length == 0 ? -1 : answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
        return server;
    }

    private static void assertEveryLineExactlyOnce(String prefix, int total) {
        JsonNode answer = JSON.readTree(EmbeddedOpenSearch.call("POST", "/" + prefix + "-*/_search",
                "{\"size\": " + (total + 100) + ", \"_source\": [\"log\"]}"));
        Set<String> messages = new HashSet<>();
        List<String> doubled = new ArrayList<>();
        answer.path("hits").path("hits").forEach(hit -> {
            String message = hit.path("_source").path("log").asString();
            if (!messages.add(message)) {
                doubled.add(message);
            }
        });
        assertThat(doubled).as("lines indexed twice").isEmpty();
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            if (!messages.contains("line " + i)) {
                missing.add("line " + i);
            }
        }
        assertThat(missing).as("lines lost").isEmpty();
        assertThat(messages).hasSize(total);
    }

    private static long count(String prefix) {
        EmbeddedOpenSearch.call("POST", "/" + prefix + "-*/_refresh?ignore_unavailable=true&allow_no_indices=true", null);
        return JSON.readTree(EmbeddedOpenSearch.call("GET",
                "/" + prefix + "-*/_count?ignore_unavailable=true&allow_no_indices=true", null)).path("count").asLong();
    }
}
