package ai.portal.logs.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import ai.portal.logs.query.ClusterPods.CriRecord;
import ai.portal.logs.query.ClusterPods.RunningPod;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.reactive.function.client.WebClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * With OpenSearch unreachable, the live tail says so and continues from the pod log API of the REAL local cluster:
 * the API server asks the node's kubelet endpoint (KWOK), which serves the CRI file the sim-agent writes. What the
 * stream carries must be exactly the pod's lines, with the file's timestamps, without gaps or repeats across polls,
 * and only of the pods the filter selects (here by the workload label, which the API server's pods are matched on).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "portal.logs.opensearch.url=http://127.0.0.1:9",
        "portal.logs.opensearch.timeout=2s"})
@DirtiesContext // its pod informer watches the shared cluster: stop it with the class
class ClusterPodLogFallbackTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String TEAM = "logs-k8s-fallback";
    private static final TeamUsers USERS = new TeamUsers();

    private static String namespace;
    private static String workload;
    private static RunningPod target;
    private static RunningPod decoy;
    private static String token;

    @DynamicPropertySource
    static void wire(DynamicPropertyRegistry registry) {
        ClusterPods.wire(registry);
    }

    @BeforeAll
    static void podsOfTheTeam() {
        token = USERS.memberToken(TEAM);
        namespace = ClusterPods.teamNamespace(TEAM);
        String suffix = ClusterPods.suffix();
        workload = "train-" + suffix;
        ClusterPods.createPod(namespace, "trainer-" + suffix, workload);
        ClusterPods.createPod(namespace, "other-" + suffix, "other-" + suffix);
        target = ClusterPods.awaitRunning(namespace, "trainer-" + suffix, 5);
        decoy = ClusterPods.awaitRunning(namespace, "other-" + suffix, 5);
    }

    @AfterAll
    static void cleanUp() {
        ClusterPods.deleteNamespace(namespace);
        ClusterPods.forget();
    }

    @Value("${local.server.port}")
    private int port;

    @Test
    void liveTailFallsBackToThePodLogApiOfTheClusterAndSaysSo() {
        Instant opened = Instant.now();
        // 15 lines at 200 ms: the fallback asks the pod log API once a second, so they span several of its polls
        List<ServerSentEvent<String>> events = WebClient.create("http://localhost:" + port).get()
                .uri("/api/v1/teams/{team}/logs/stream?workload={workload}", TEAM, workload)
                .headers(h -> h.setBearerAuth(token))
                .accept(MediaType.TEXT_EVENT_STREAM)
                .retrieve()
                .bodyToFlux(new ParameterizedTypeReference<ServerSentEvent<String>>() { })
                .filter(event -> event.event() != null)
                .takeUntil(event -> "log".equals(event.event()) && time(JSON.readTree(event.data())).isAfter(opened.plusSeconds(3)))
                .collectList().block(Duration.ofSeconds(60));

        assertThat(events).isNotEmpty();
        assertThat(events.getFirst().event()).isEqualTo("notice");
        JsonNode notice = JSON.readTree(events.getFirst().data());
        assertThat(notice.path("source").asString()).isEqualTo("kubernetes");
        assertThat(notice.path("message").asString()).contains("OpenSearch is unavailable");

        List<ServerSentEvent<String>> logEvents = events.subList(1, events.size());
        assertThat(logEvents).as("after the notice only lines").allSatisfy(e -> assertThat(e.event()).isEqualTo("log"));
        List<JsonNode> lines = logEvents.stream().map(e -> JSON.readTree(e.data())).toList();
        assertThat(lines).allSatisfy(line -> {
            assertThat(line.path("namespace").asString()).isEqualTo(namespace);
            assertThat(line.path("pod").asString()).as("only the selected workload's pod").isEqualTo(target.name());
            assertThat(line.path("container").asString()).isEqualTo(ClusterPods.CONTAINER);
            assertThat(line.path("id").isNull() || line.path("id").isMissingNode()).as("not from the log store").isTrue();
        });
        assertThat(logEvents).as("event ids carry the line's time, for Last-Event-ID").allSatisfy(e -> {
            Instant t = time(JSON.readTree(e.data()));
            assertThat(e.id()).isEqualTo((t.getEpochSecond() * 1_000_000_000L + t.getNano()) + "_");
        });

        // exactly the file's lines as KWOK serves them: same time and message, in order, no gaps, no repeats
        List<CriRecord> file = target.lines();
        List<CriRecord> streamed = lines.stream().map(line -> new CriRecord(time(line), null, line.path("message").asString()))
                .toList();
        List<CriRecord> fileWithoutStream = file.stream().map(r -> new CriRecord(r.time(), null, r.message())).toList();
        int start = fileWithoutStream.indexOf(streamed.getFirst());
        assertThat(start).as("first streamed line %s in %s", streamed.getFirst(), target.file()).isNotNegative();
        assertThat(streamed).as("a contiguous run of %s", target.file())
                .containsExactlyElementsOf(fileWithoutStream.subList(start, Math.min(fileWithoutStream.size(), start + streamed.size())));
        assertThat(streamed.getLast().time()).isAfter(opened.plusSeconds(3));
        assertThat(decoy.lines()).as("the other pod logs too, but is not selected").isNotEmpty();
    }

    private static Instant time(JsonNode line) {
        return Instant.parse(line.path("timestamp").asString());
    }
}
