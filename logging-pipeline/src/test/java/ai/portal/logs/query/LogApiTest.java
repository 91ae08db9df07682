package ai.portal.logs.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Map;

import ai.portal.logs.CriFiles;
import ai.portal.logs.EmbeddedOpenSearch;
import ai.portal.testing.Tokens;
import ai.portal.platform.team.TeamNames;
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
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.Disposable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The query API end to end: real Keycloak tokens, the collector tailing CRI files into a real OpenSearch node,
 * search and live tail over HTTP.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class LogApiTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String TEAM_A = "logs-a";
    private static final String TEAM_B = "logs-b";
    private static final Path LOGS;
    private static final Path STATE;
    private static final TeamUsers USERS = new TeamUsers();
    private static String tokenA;
    private static String tokenB;

    static {
        try {
            Files.createDirectories(Path.of("target"));
            LOGS = Files.createTempDirectory(Path.of("target"), "containers-");
            STATE = Files.createTempDirectory(Path.of("target"), "collector-state-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void wire(DynamicPropertyRegistry registry) {
        registry.add("portal.logs.opensearch.url", () -> EmbeddedOpenSearch.uri().toString());
        registry.add("portal.logs.opensearch.index-prefix", () -> "apilogs");
        registry.add("portal.logs.collector.enabled", () -> "true");
        registry.add("portal.logs.collector.path", LOGS::toString);
        registry.add("portal.logs.collector.state-dir", STATE::toString);
    }

    @Value("${local.server.port}")
    private int port;

    private WebTestClient client;

    @BeforeAll
    static void members() {
        tokenA = USERS.memberToken(TEAM_A);
        tokenB = USERS.memberToken(TEAM_B);
    }

    @BeforeEach
    void bind() {
        client = WebTestClient.bindToServer().baseUrl("http://localhost:" + port)
                .responseTimeout(Duration.ofSeconds(30)).build();
    }

    @Test
    void nonMembersGetTheSameNotFoundProblemForLogsAndStream() {
        client.get().uri("/api/v1/teams/{team}/logs", TEAM_A).headers(h -> h.setBearerAuth(tokenB)).exchange()
                .expectStatus().isEqualTo(HttpStatus.NOT_FOUND)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.status").isEqualTo(404).jsonPath("$.detail").isNotEmpty();
        client.get().uri("/api/v1/teams/{team}/logs/stream", TEAM_A).headers(h -> h.setBearerAuth(tokenB)).exchange()
                .expectStatus().isEqualTo(HttpStatus.NOT_FOUND);
        client.get().uri("/api/v1/teams/{team}/logs", TEAM_A)
                .headers(h -> h.setBearerAuth(Tokens.fromTestStack().userToken("alice"))).exchange()
                .expectStatus().isEqualTo(HttpStatus.NOT_FOUND);
    }

    @Test
    void noCraftedQueryOfATeamBMemberReturnsTeamALines() {
        Path a = CriFiles.file(LOGS, "secret-job", TeamNames.namespace(TEAM_A), "main");
        Path b = CriFiles.file(LOGS, "own-job", TeamNames.namespace(TEAM_B), "main");
        CriFiles.append(a, "stdout", "F", "alpha-secret token=hunter2 ERROR in team a");
        CriFiles.append(b, "stdout", "F", "beta line of team b ERROR");
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> search(tokenA, TEAM_A, "q=hunter2").size() == 1
                && search(tokenB, TEAM_B, "q=beta").size() == 1);

        List<String> crafted = List.of("alpha-secret", "hunter2", "*", "alpha*", "* | alpha*", "-beta",
                "kubernetes.namespace_name:team-logs-a", "team-logs-a", "\") OR (*", "alpha~2", "\"team a\"",
                "(hunter2 | beta) + -nothing", "\\* | hunter2");
        for (String q : crafted) {
            List<JsonNode> lines = search(tokenB, TEAM_B, "q=" + java.net.URLEncoder.encode(q, java.nio.charset.StandardCharsets.UTF_8)
                    + "&namespace=team-logs-a&kubernetes.namespace_name=team-logs-a");
            assertThat(lines).as("query %s", q)
                    .allSatisfy(line -> assertThat(line.path("namespace").asString()).isEqualTo(TeamNames.namespace(TEAM_B)))
                    .noneSatisfy(line -> assertThat(line.path("message").asString()).contains("hunter2"));
        }
        client.get().uri("/api/v1/teams/{team}/logs?q={q}", TEAM_B, "x".repeat(300))
                .headers(h -> h.setBearerAuth(tokenB)).exchange()
                .expectStatus().isBadRequest().expectBody().jsonPath("$.field").isEqualTo("q");
    }

    @Test
    void searchFiltersAndPagesNewestFirstAndDownloadsText() {
        Path main = CriFiles.file(LOGS, "pager-1", TeamNames.namespace(TEAM_A), "main");
        Path side = CriFiles.file(LOGS, "pager-1", TeamNames.namespace(TEAM_A), "sidecar");
        for (int i = 0; i < 5; i++) {
            CriFiles.append(main, "stdout", "F", "INFO page line " + i);
        }
        CriFiles.append(side, "stderr", "F", "ERROR sidecar failed");
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> search(tokenA, TEAM_A, "pod=pager-1&size=100").size() == 6);

        JsonNode first = page(tokenA, TEAM_A, "pod=pager-1&container=main&size=2", null);
        assertThat(messages(first)).containsExactly("INFO page line 4", "INFO page line 3");
        JsonNode second = page(tokenA, TEAM_A, "pod=pager-1&container=main&size=2", first.path("next").asString());
        assertThat(messages(second)).containsExactly("INFO page line 2", "INFO page line 1");
        JsonNode third = page(tokenA, TEAM_A, "pod=pager-1&container=main&size=2", second.path("next").asString());
        assertThat(messages(third)).containsExactly("INFO page line 0");
        assertThat(third.path("next").isNull() || third.path("next").isMissingNode()).isTrue();

        assertThat(search(tokenA, TEAM_A, "pod=pager-1&stream=stderr")).extracting(l -> l.path("message").asString())
                .containsExactly("ERROR sidecar failed");
        assertThat(search(tokenA, TEAM_A, "pod=pager-1&level=error")).hasSize(1);
        assertThat(search(tokenA, TEAM_A, "pod=pager-1&level=info")).hasSize(5);
        assertThat(search(tokenA, TEAM_A, "pod=pager-1&q=sidecar")).hasSize(1);

        String text = client.get().uri("/api/v1/teams/{team}/logs?pod=pager-1&container=main&format=text", TEAM_A)
                .headers(h -> h.setBearerAuth(tokenA)).exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_PLAIN)
                .expectHeader().valueMatches("Content-Disposition", "attachment.*")
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(text.lines().toList()).hasSize(5).first().asString().endsWith("pager-1/main stdout INFO page line 4");
    }

    @Test
    void liveTailDeliversNewLinesWithinTwoSeconds() {
        Path file = CriFiles.file(LOGS, "tail-1", TeamNames.namespace(TEAM_A), "main");
        CriFiles.append(file, "stdout", "F", "before the tail");
        Map<String, Long> arrivals = new ConcurrentHashMap<>();
        List<String> received = new CopyOnWriteArrayList<>();
        Disposable tail = sse(tokenA, TEAM_A, "pod=tail-1", null).subscribe(event -> {
            if ("log".equals(event.event())) {
                String message = JSON.readTree(event.data()).path("message").asString();
                received.add(message);
                arrivals.put(message, System.nanoTime());
            }
        });
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> received.contains("before the tail"));
            List<Long> latencies = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                String message = "live line " + i;
                long written = System.nanoTime();
                CriFiles.append(file, "stdout", "F", message);
                await().atMost(Duration.ofSeconds(10)).until(() -> arrivals.containsKey(message));
                latencies.add((arrivals.get(message) - written) / 1_000_000);
            }
            latencies.sort(Long::compare);
            assertThat(latencies.get(2)).as("median write-to-client ms of %s", latencies).isLessThan(2_000);
        } finally {
            tail.dispose();
        }
    }

    @Test
    void sseReconnectWithLastEventIdResumesWithoutGapsOrRepeats() {
        Path file = CriFiles.file(LOGS, "resume-1", TeamNames.namespace(TEAM_A), "main");
        for (int i = 0; i < 10; i++) {
            CriFiles.append(file, "stdout", "F", "resume line " + i);
        }
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> search(tokenA, TEAM_A, "pod=resume-1").size() == 10);
        List<ServerSentEvent<String>> firstConnection = sse(tokenA, TEAM_A, "pod=resume-1", null)
                .filter(event -> "log".equals(event.event())).take(4).collectList().block(Duration.ofSeconds(30));
        String lastEventId = firstConnection.getLast().id();
        assertThat(JSON.readTree(firstConnection.getLast().data()).path("message").asString()).isEqualTo("resume line 3");

        for (int i = 10; i < 20; i++) {
            CriFiles.append(file, "stdout", "F", "resume line " + i);
        }
        List<String> resumed = sse(tokenA, TEAM_A, "pod=resume-1", lastEventId)
                .filter(event -> "log".equals(event.event()))
                .map(event -> JSON.readTree(event.data()).path("message").asString())
                .takeUntil(message -> message.equals("resume line 19"))
                .collectList().block(Duration.ofSeconds(30));
        List<String> expected = new ArrayList<>();
        for (int i = 4; i < 20; i++) {
            expected.add("resume line " + i);
        }
        assertThat(resumed).containsExactlyElementsOf(expected);
    }

    @Test
    void openApiDescribesTheLogEndpoints() {
        client.get().uri("/v3/api-docs").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.paths['/api/v1/teams/{team}/logs'].get").exists()
                .jsonPath("$.paths['/api/v1/teams/{team}/logs/stream'].get").exists()
                .jsonPath("$.paths['/api/v1/teams/{team}/logs'].get.parameters[*].name").value(names ->
                        assertThat(String.valueOf(names)).contains("workload", "pod", "q", "since", "until", "size", "after",
                                "format"))
                .jsonPath("$.paths['/api/v1/teams/{team}/logs/stream'].get.parameters[*].name").value(names ->
                        assertThat(String.valueOf(names)).contains("workload", "level", "lastEventId", "Last-Event-ID"));
    }

    private reactor.core.publisher.Flux<ServerSentEvent<String>> sse(String token, String team, String query,
                                                                  String lastEventId) {
        return WebClient.create("http://localhost:" + port).get()
                .uri("/api/v1/teams/" + team + "/logs/stream?" + query)
                .headers(h -> {
                    h.setBearerAuth(token);
                    if (lastEventId != null) {
                        h.set("Last-Event-ID", lastEventId);
                    }
                })
                .accept(MediaType.TEXT_EVENT_STREAM)
                .retrieve()
                .bodyToFlux(new ParameterizedTypeReference<ServerSentEvent<String>>() { });
    }

    private List<JsonNode> search(String token, String team, String query) {
        List<JsonNode> lines = new ArrayList<>();
        page(token, team, query, null).path("lines").forEach(lines::add);
        return lines;
    }

    private JsonNode page(String token, String team, String query, String after) {
        String body = client.get().uri("/api/v1/teams/" + team + "/logs?" + query + (after == null ? "" : "&after=" + after))
                .headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        return JSON.readTree(body);
    }

    private static List<String> messages(JsonNode page) {
        List<String> messages = new ArrayList<>();
        page.path("lines").forEach(line -> messages.add(line.path("message").asString()));
        return messages;
    }
}
