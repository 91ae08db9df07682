package ai.portal.logs.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import ai.portal.logs.EmbeddedOpenSearch;
import ai.portal.logs.query.ClusterPods.CriRecord;
import ai.portal.logs.query.ClusterPods.RunningPod;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * End to end on the REAL local cluster: a pod created in its team's namespace goes Running on a simulated node, the
 * sim-agent appends its lines to the kubelet-style CRI file, and the collector (pointed at the cluster's
 * {@code var/log/containers}, pod labels from its informer on the real API server) ships them into OpenSearch,
 * where the team's member finds them through the query API and the live tail.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext // its collector tails the cluster's whole log folder: stop it with the class
class ClusterLogsEndToEndTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String TEAM = "logs-k8s";
    private static final String OTHER_TEAM = "logs-b";
    private static final Path STATE;
    private static final TeamUsers USERS = new TeamUsers();

    private static String namespace;
    private static String workload;
    private static RunningPod pod;
    private static String token;

    static {
        try {
            STATE = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "cluster-collector-state-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void wire(DynamicPropertyRegistry registry) {
        Path logDir = ClusterPods.containerLogDir();
        ClusterPods.wire(registry);
        registry.add("portal.logs.opensearch.url", () -> EmbeddedOpenSearch.uri().toString());
        registry.add("portal.logs.opensearch.index-prefix", () -> "clusterlogs");
        registry.add("portal.logs.collector.enabled", () -> "true");
        registry.add("portal.logs.collector.path", logDir::toString);
        registry.add("portal.logs.collector.state-dir", STATE::toString);
    }

    @BeforeAll
    static void podOfTheTeam() {
        token = USERS.memberToken(TEAM);
        namespace = ClusterPods.teamNamespace(TEAM);
        String suffix = ClusterPods.suffix();
        workload = "train-" + suffix;
        ClusterPods.createPod(namespace, "trainer-" + suffix, workload);
        pod = ClusterPods.awaitRunning(namespace, "trainer-" + suffix, 5);
    }

    @AfterAll
    static void cleanUp() {
        ClusterPods.deleteNamespace(namespace);
        ClusterPods.forget();
    }

    @Value("${local.server.port}")
    private int port;

    private WebTestClient client;

    @BeforeEach
    void bind() {
        client = WebTestClient.bindToServer().baseUrl("http://localhost:" + port)
                .responseTimeout(Duration.ofSeconds(30)).build();
    }

    @Test
    void podLinesAreSearchableByTheTeamWithLabelsFromThePodInformer() {
        List<CriRecord> written = pod.lines();
        assertThat(written.getFirst().message()).contains("SIMULATED", pod.name());
        awaitSearchable(written);

        List<JsonNode> lines = search("pod=" + pod.name() + "&size=1000");
        List<CriRecord> found = records(lines);
        assertThat(found).as("newest first").isSortedAccordingTo((a, b) -> b.time().compareTo(a.time()));
        assertThat(found).as("only the file's lines, each once").doesNotHaveDuplicates()
                .isSubsetOf(pod.lines());
        assertThat(lines).allSatisfy(line -> {
            assertThat(line.path("namespace").asString()).isEqualTo(namespace);
            assertThat(line.path("pod").asString()).isEqualTo(pod.name());
            assertThat(line.path("container").asString()).isEqualTo(ClusterPods.CONTAINER);
            assertThat(line.path("labels").path("portal_ai/workload").asString()).isEqualTo(workload);
            assertThat(line.path("labels").path("app_kubernetes_io/name").asString()).isEqualTo("log-producer");
        });

        // the workload filter matches the pod label the informer supplied
        assertThat(search("workload=" + workload + "&size=1000")).isNotEmpty()
                .allSatisfy(line -> assertThat(line.path("pod").asString()).isEqualTo(pod.name()));
        assertThat(search("workload=nothing-" + workload)).isEmpty();
        // the sim-agent's start line on stderr, with its level
        assertThat(search("pod=" + pod.name() + "&stream=stderr&level=info")).extracting(l -> l.path("message").asString())
                .contains("INFO torch.distributed: initialized process group backend=nccl");

        // stored in the layout of kubernetes_metadata_filter, uid and node from the informer, id from the file name
        JsonNode hit = JSON.readTree(EmbeddedOpenSearch.call("POST", "/clusterlogs-*/_search", """
                {"size": 1, "query": {"term": {"kubernetes.pod_name": "%s"}}}""".formatted(pod.name())))
                .path("hits").path("hits").get(0).path("_source");
        assertThat(hit.path("kubernetes").path("namespace_name").asString()).isEqualTo(namespace);
        assertThat(hit.path("kubernetes").path("container_name").asString()).isEqualTo(ClusterPods.CONTAINER);
        assertThat(hit.path("kubernetes").path("pod_id").asString()).isEqualTo(pod.pod().getMetadata().getUid());
        assertThat(hit.path("kubernetes").path("host").asString()).isEqualTo(pod.pod().getSpec().getNodeName());
        assertThat(hit.path("kubernetes").path("labels").path("portal_ai/workload").asString()).isEqualTo(workload);
        assertThat(hit.path("docker").path("container_id").asString()).isEqualTo(pod.containerId());

        // and nobody of another team sees them
        client.get().uri("/api/v1/teams/{team}/logs?pod={pod}", TEAM, pod.name())
                .headers(h -> h.setBearerAuth(USERS.memberToken(OTHER_TEAM))).exchange()
                .expectStatus().isEqualTo(HttpStatus.NOT_FOUND);
    }

    @Test
    void podLinesStreamThroughTheLiveTailAsTheSimAgentWritesThem() {
        awaitSearchable(pod.lines()); // the daily index exists: the tail has no reason to leave OpenSearch
        List<JsonNode> received = new CopyOnWriteArrayList<>();
        List<String> notices = new CopyOnWriteArrayList<>();
        Instant subscribed = Instant.now();
        Disposable tail = sse("pod=" + pod.name()).subscribe(event -> {
            if ("log".equals(event.event())) {
                received.add(JSON.readTree(event.data()));
            } else if ("notice".equals(event.event())) {
                notices.add(event.data());
            }
        });
        try {
            // five lines the sim-agent writes after the stream opened (one every 200 ms)
            await("five lines written after the tail opened").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> received.stream().filter(line -> time(line).isAfter(subscribed)).count() >= 5);
        } finally {
            tail.dispose();
        }
        assertThat(notices).as("OpenSearch answers: no source change").isEmpty();
        assertThat(received).allSatisfy(line -> {
            assertThat(line.path("id").asString()).as("a line of the log store").isNotEmpty();
            assertThat(line.path("namespace").asString()).isEqualTo(namespace);
            assertThat(line.path("pod").asString()).isEqualTo(pod.name());
            assertThat(line.path("labels").path("portal_ai/workload").asString()).isEqualTo(workload);
        });
        // the stream is the file, without gaps or repeats, from its first to its last event
        List<CriRecord> file = pod.lines();
        List<Integer> positions = records(received).stream().map(file::indexOf).sorted().toList();
        assertThat(positions).as("positions in %s", pod.file()).doesNotContain(-1).doesNotHaveDuplicates();
        assertThat(positions.getLast() - positions.getFirst() + 1).as("contiguous: %s", positions)
                .isEqualTo(positions.size());
    }

    /** Waits until these lines of the file are found; a 503 while the first daily index is created is retried. */
    private void awaitSearchable(List<CriRecord> written) {
        await("the first " + written.size() + " lines of " + pod.file() + " searchable")
                .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .until(() -> records(search("pod=" + pod.name() + "&size=1000")).containsAll(written));
    }

    private Flux<ServerSentEvent<String>> sse(String query) {
        return WebClient.create("http://localhost:" + port).get()
                .uri("/api/v1/teams/" + TEAM + "/logs/stream?" + query)
                .headers(h -> h.setBearerAuth(token))
                .accept(MediaType.TEXT_EVENT_STREAM)
                .retrieve()
                .bodyToFlux(new ParameterizedTypeReference<ServerSentEvent<String>>() { });
    }

    private List<JsonNode> search(String query) {
        String body = client.get().uri("/api/v1/teams/" + TEAM + "/logs?" + query)
                .headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        List<JsonNode> lines = new ArrayList<>();
        JSON.readTree(body).path("lines").forEach(lines::add);
        return lines;
    }

    private static Instant time(JsonNode line) {
        return Instant.parse(line.path("timestamp").asString());
    }

    private static List<CriRecord> records(List<JsonNode> lines) {
        return lines.stream().map(line -> new CriRecord(time(line), line.path("stream").asString(),
                line.path("message").asString())).collect(Collectors.toList());
    }

}
