package ai.portal.logs.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import ai.portal.logs.CriFiles;
import ai.portal.logs.EmbeddedOpenSearch;
import ai.portal.logs.kubernetes.PodMetadata;
import ai.portal.logs.opensearch.LogIndices;
import ai.portal.logs.opensearch.OpenSearchProperties;
import org.apache.hc.core5.http.HttpHost;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opensearch.client.json.jackson3.JacksonJsonpMapper;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5TransportBuilder;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The collector against a real OpenSearch node: files in, documents out, exactly once. */
class LogCollectorTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final AtomicInteger PREFIXES = new AtomicInteger();

    @TempDir
    Path logs;
    @TempDir
    Path state;

    private String prefix;
    private OpenSearchClient client;
    private LogIndices indices;
    private LogCollector collector;

    @BeforeEach
    void connect() {
        prefix = "collector" + PREFIXES.incrementAndGet() + "-" + System.nanoTime();
        client = new OpenSearchClient(ApacheHttpClient5TransportBuilder.builder(HttpHost.create(EmbeddedOpenSearch.uri()))
                .setMapper(new JacksonJsonpMapper()).build());
        indices = new LogIndices(new OpenSearchProperties(EmbeddedOpenSearch.uri(), prefix, Duration.ofDays(14), 1, 0,
                "200ms", Duration.ofSeconds(5)), client);
    }

    @AfterEach
    void stopCollector() {
        if (collector != null) {
            collector.stop();
        }
    }

    private LogCollector newCollector(PodMetadata pods) {
        return new LogCollector(new CollectorProperties(true, logs, state, Duration.ofMillis(50), 500,
                DataSize.ofMegabytes(5), Duration.ofMillis(100), DataSize.ofMegabytes(64), DataSize.ofMegabytes(1),
                Duration.ofMillis(100), Duration.ofMillis(500), 2), indices, client, pods);
    }

    @Test
    void linesWrittenToCriFileBecomeSearchableInTheFluentdKubernetesLayout() {
        Path file = CriFiles.file(logs, "train-1-abcde", "team-a", "trainer");
        CriFiles.append(file, "stdout", "F", "INFO epoch 1 loss 0.5");
        CriFiles.append(file, "stderr", "P", "WARNING: first half ");
        CriFiles.append(file, "stderr", "F", "second half");
        collector = newCollector((namespace, pod) -> java.util.Optional.of(new PodMetadata.PodInfo("uid-1", "node-1",
                java.util.Map.of("portal.ai/workload", "train-1", "app.kubernetes.io/name", "trainer"))));
        collector.start();

        List<JsonNode> docs = awaitDocuments(2);
        JsonNode first = docs.get(0);
        assertThat(first.path("log").asString()).isEqualTo("INFO epoch 1 loss 0.5");
        assertThat(first.path("stream").asString()).isEqualTo("stdout");
        assertThat(first.path("level").asString()).isEqualTo("info");
        assertThat(first.path("@timestamp").asString()).isNotBlank();
        assertThat(first.path("kubernetes").path("namespace_name").asString()).isEqualTo("team-a");
        assertThat(first.path("kubernetes").path("pod_name").asString()).isEqualTo("train-1-abcde");
        assertThat(first.path("kubernetes").path("container_name").asString()).isEqualTo("trainer");
        assertThat(first.path("kubernetes").path("pod_id").asString()).isEqualTo("uid-1");
        assertThat(first.path("kubernetes").path("labels").path("portal_ai/workload").asString()).isEqualTo("train-1");
        assertThat(first.path("kubernetes").path("labels").path("app_kubernetes_io/name").asString()).isEqualTo("trainer");
        assertThat(first.path("docker").path("container_id").asString()).isEqualTo(CriFiles.CONTAINER_ID);
        JsonNode joined = docs.get(1);
        assertThat(joined.path("log").asString()).isEqualTo("WARNING: first half second half");
        assertThat(joined.path("stream").asString()).isEqualTo("stderr");
        assertThat(joined.path("level").asString()).isEqualTo("warn");

        CriFiles.append(file, "stdout", "F", "a line written later");
        assertThat(awaitDocuments(3).get(2).path("log").asString()).isEqualTo("a line written later");
    }

    @Test
    void rotationMidStreamLosesNothing() throws Exception {
        collector = newCollector(PodMetadata.NONE);
        collector.start();
        Path file = CriFiles.file(logs, "rot-1", "team-a", "main");
        CriFiles.append(file, "stdout", "F", "line 0");
        await().atMost(Duration.ofSeconds(10)).until(() -> collector.stats().linesRead() == 1); // tailing it
        int total = 3000;
        for (int i = 1; i < total; i++) {
            CriFiles.append(file, "stdout", "F", "line " + i);
            if (i == 1000 || i == 2000) {
                // the kubelet's rotation: rename, new file at the same path, writer continues at once; both
                // rotations may well fall between two polls of the collector
                Files.move(file, logs.resolve(file.getFileName() + "." + i), StandardCopyOption.ATOMIC_MOVE);
            }
        }
        assertEveryLineExactlyOnce(total);
    }

    @Test
    void newAndDeletedFilesAreFollowed() throws Exception {
        collector = newCollector(PodMetadata.NONE);
        collector.start();
        Path first = CriFiles.file(logs, "short-lived", "team-a", "main");
        CriFiles.append(first, "stdout", "F", "line 0");
        CriFiles.append(first, "stdout", "F", "line 1");
        awaitDocuments(2);
        CriFiles.append(first, "stdout", "F", "line 2");
        Files.delete(first);
        Path second = CriFiles.file(logs, "next-pod", "team-a", "main");
        CriFiles.append(second, "stdout", "F", "line 3");
        assertEveryLineExactlyOnce(4);
    }

    @Test
    void fileTruncatedInPlaceIsReadAgainFromItsStart() throws Exception {
        collector = newCollector(PodMetadata.NONE);
        collector.start();
        Path file = CriFiles.file(logs, "copytruncate", "team-a", "main");
        CriFiles.append(file, "stdout", "F", "line 0");
        CriFiles.append(file, "stdout", "F", "line 1");
        awaitCount(2);
        Files.write(file, new byte[0]); // logrotate's copytruncate
        CriFiles.append(file, "stdout", "F", "line 2 is longer than the two lines before it were together, so the file grows past the old offset");
        CriFiles.append(file, "stdout", "F", "line 3");
        await().atMost(Duration.ofSeconds(30)).until(() -> count() >= 4);
        assertThat(documents(10)).extracting(doc -> doc.path("log").asString().substring(0, 6))
                .containsExactlyInAnyOrder("line 0", "line 1", "line 2", "line 3");
    }

    @Test
    void restartOfTheCollectorDuringABurstIndexesEveryLineExactlyOnce() throws Exception {
        collector = newCollector(PodMetadata.NONE);
        collector.start();
        Path file = CriFiles.file(logs, "burst-1", "team-a", "main");
        int total = 9_000;
        for (int i = 0; i < total; i++) {
            CriFiles.append(file, "stdout", "F", "line " + i);
            if (i == 3_000 || i == 6_000) {
                collector.halt(); // as if killed: nothing sealed or checkpointed beyond what already was
                collector = newCollector(PodMetadata.NONE);
                collector.start();
            }
        }
        assertEveryLineExactlyOnce(total);
    }

    @Test
    void openSearchStoppedDuringABurstIndexesEveryLineExactlyOnceAfterItReturns() throws Exception {
        collector = newCollector(PodMetadata.NONE);
        collector.start();
        Path file = CriFiles.file(logs, "outage-1", "team-a", "main");
        int total = 6_000;
        for (int i = 0; i < 2_000; i++) {
            CriFiles.append(file, "stdout", "F", "line " + i);
        }
        awaitCount(1);
        EmbeddedOpenSearch.stop();
        try {
            for (int i = 2_000; i < total; i++) {
                CriFiles.append(file, "stdout", "F", "line " + i);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> collector.stats().linesRead() == total);
            assertThat(collector.stats().openSearchAvailable()).isFalse();
            assertThat(collector.stats().bufferedChunks()).isPositive();
            Thread.sleep(5_000); // OpenSearch stays away a while longer: the collector keeps retrying
        } finally {
            EmbeddedOpenSearch.restart();
        }
        assertEveryLineExactlyOnce(total);
        assertThat(collector.stats().bufferedChunks()).isZero();
    }

    private void assertEveryLineExactlyOnce(int total) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(count()).as("indexed; collector %s", collector.stats())
                        .isGreaterThanOrEqualTo(total));
        List<JsonNode> docs = documents(total + 10);
        Set<String> messages = new HashSet<>();
        for (JsonNode doc : docs) {
            assertThat(messages.add(doc.path("log").asString())).as("duplicate %s", doc.path("log")).isTrue();
        }
        assertThat(docs).hasSize(total);
        for (int i = 0; i < total; i++) {
            assertThat(messages).contains("line " + i);
        }
    }

    private void awaitCount(int atLeast) {
        await().atMost(Duration.ofSeconds(30)).until(() -> count() >= atLeast);
    }

    private List<JsonNode> awaitDocuments(int n) {
        awaitCount(n);
        return documents(n);
    }

    private long count() {
        EmbeddedOpenSearch.call("POST", "/" + prefix + "-*/_refresh?ignore_unavailable=true&allow_no_indices=true", null);
        JsonNode answer = JSON.readTree(EmbeddedOpenSearch.call("GET",
                "/" + prefix + "-*/_count?ignore_unavailable=true&allow_no_indices=true", null));
        return answer.path("count").asLong();
    }

    private List<JsonNode> documents(int max) {
        String query = """
                {"size": %d, "sort": [{"@timestamp": "asc"}, {"log_id": "asc"}]}""".formatted(max);
        JsonNode answer = JSON.readTree(EmbeddedOpenSearch.call("POST", "/" + prefix + "-*/_search", query));
        List<JsonNode> docs = new java.util.ArrayList<>();
        answer.path("hits").path("hits").forEach(hit -> docs.add(hit.path("_source")));
        return docs;
    }
}
