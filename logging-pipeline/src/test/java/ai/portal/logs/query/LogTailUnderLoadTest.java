package ai.portal.logs.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import ai.portal.logs.EmbeddedOpenSearch;
import ai.portal.logs.kubernetes.PodLogSource;
import ai.portal.logs.opensearch.LogIndices;
import ai.portal.logs.opensearch.OpenSearchProperties;
import ai.portal.logs.record.LogRecord;
import org.apache.hc.core5.http.HttpHost;
import org.junit.jupiter.api.Test;
import org.opensearch.client.json.jackson3.JacksonJsonpMapper;
import org.opensearch.client.opensearch.OpenSearchAsyncClient;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.transport.OpenSearchTransport;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5TransportBuilder;
import org.springframework.http.codec.ServerSentEvent;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * The live tail at a rate that froze it before (more lines within the late window than it re-read per poll: 3,000
 * lines/s against a 5 s window of at most 10,000 lines), with lines of two writers arriving out of order, against a
 * real OpenSearch node: every line arrives exactly once. Past its rate bound it says so with a {@code gap} event.
 */
class LogTailUnderLoadTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String NAMESPACE = "team-load";

    private final OpenSearchTransport transport = ApacheHttpClient5TransportBuilder
            .builder(HttpHost.create(EmbeddedOpenSearch.uri())).setMapper(new JacksonJsonpMapper()).build();

    private LogTail tail(String prefix, int rate, Duration maxLag) throws Exception {
        LogIndices indices = new LogIndices(new OpenSearchProperties(EmbeddedOpenSearch.uri(), prefix,
                Duration.ofDays(14), 1, 0, "1s", Duration.ofSeconds(30)), new OpenSearchClient(transport));
        indices.ensureTemplateAndPolicy();
        QueryProperties properties = new QueryProperties("portal.ai/workload", 1000, 10000, 256,
                Duration.ofMillis(250), Duration.ofSeconds(5), 20, Duration.ofSeconds(5), rate, maxLag,
                Duration.ofHours(1), Duration.ofSeconds(5), 5);
        return new LogTail(new LogSearch(new OpenSearchAsyncClient(transport), indices, properties),
                PodLogSource.NONE, properties);
    }

    @Test
    void atThreeThousandLinesPerSecondOfTimestampsEveryLineArrivesExactlyOnce() throws Exception {
        // a loaded test machine may fall behind while the lines are written: no skipping ahead here
        LogTail tail = tail("load", 5_000, Duration.ofMinutes(10));
        Map<String, AtomicInteger> received = new ConcurrentHashMap<>();
        List<String> gaps = new CopyOnWriteArrayList<>();
        Disposable stream = subscribe(tail, received, gaps);
        try {
            int total = write("load", 3_000, 30_000);
            org.awaitility.Awaitility.await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                    .untilAsserted(() -> assertThat(received.size()).as("received; gaps %s", gaps)
                            .isGreaterThanOrEqualTo(total));
            Thread.sleep(2_000); // nothing more, nothing twice
            assertThat(gaps).isEmpty();
            assertThat(received).hasSize(total);
            assertThat(received.values()).allSatisfy(count -> assertThat(count.get()).isEqualTo(1));
        } finally {
            stream.dispose();
        }
    }

    @Test
    void pastItsRateBoundTheStreamSkipsAheadAndSaysWhichRangeItSkipped() throws Exception {
        LogTail tail = tail("flood", 500, Duration.ofSeconds(5));
        Map<String, AtomicInteger> received = new ConcurrentHashMap<>();
        List<String> gaps = new CopyOnWriteArrayList<>();
        Disposable stream = subscribe(tail, received, gaps);
        try {
            int total = write("flood", 4_000, 20_000);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> !gaps.isEmpty());
            var gap = JSON.readTree(gaps.getFirst());
            assertThat(gap.path("reason").asString()).isEqualTo("rate");
            assertThat(Instant.parse(gap.path("from").asString())).isBefore(Instant.parse(gap.path("to").asString()));
            assertThat(received.size()).isLessThan(total);
            assertThat(received.values()).allSatisfy(count -> assertThat(count.get()).isEqualTo(1));
        } finally {
            stream.dispose();
        }
    }

    private static Disposable subscribe(LogTail tail, Map<String, AtomicInteger> received, List<String> gaps) {
        return tail.tail(NAMESPACE, LogFilter.NONE, null, Mono.empty(), Instant.MAX).subscribe(event -> {
            if (event.data() instanceof LogLine line) {
                received.computeIfAbsent(line.message(), key -> new AtomicInteger()).incrementAndGet();
            } else if ("gap".equals(event.event())) {
                gaps.add(JSON.writeValueAsString(event.data()));
            }
        });
    }

    /**
     * Writes {@code total} lines stamped {@code density} per second from now on (what froze the old tail is how many
     * lines share a few seconds of timestamps, not how fast they are written), in bulks of 2,000 where each bulk's
     * even lines are sent after its odd ones: two writers whose lines become visible out of order.
     */
    private static int write(String prefix, int density, int total) throws Exception {
        Instant start = Instant.now();
        DateTimeFormatter day = DateTimeFormatter.ofPattern("yyyy.MM.dd").withZone(ZoneOffset.UTC);
        for (int from = 0; from < total; from += 2_000) {
            ByteArrayOutputStream early = new ByteArrayOutputStream();
            ByteArrayOutputStream late = new ByteArrayOutputStream();
            for (int n = from; n < Math.min(total, from + 2_000); n++) {
                Instant time = start.plusNanos(n * (1_000_000_000L / density));
                LogRecord record = new LogRecord(time, "line " + n, "stdout", null, "id-" + prefix + "-" + n,
                        new LogRecord.Kubernetes(NAMESPACE, "pod-" + (n % 2), "main", null, null, Map.of()), null);
                ByteArrayOutputStream into = n % 2 == 0 ? late : early;
                into.writeBytes(("{\"create\":{\"_index\":\"" + prefix + "-" + day.format(time) + "\",\"_id\":\""
                        + record.logId() + "\"}}\n").getBytes(StandardCharsets.UTF_8));
                into.writeBytes(JSON.writeValueAsBytes(record));
                into.write('\n');
            }
            bulk(early);
            bulk(late); // visible after the other writer's newer lines
        }
        return total;
    }

    private static void bulk(ByteArrayOutputStream body) throws Exception {
        var request = java.net.http.HttpRequest.newBuilder(EmbeddedOpenSearch.uri().resolve("/_bulk"))
                .header("Content-Type", "application/x-ndjson")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build();
        var response = java.net.http.HttpClient.newHttpClient().send(request,
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.body()).contains("\"errors\":false");
    }
}
