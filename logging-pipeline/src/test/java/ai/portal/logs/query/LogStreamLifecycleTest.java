package ai.portal.logs.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

import ai.portal.logs.EmbeddedOpenSearch;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a live tail promises over its lifetime, against the real Keycloak and OpenSearch: bytes at once, a bounded
 * number per user, an end when the token that opened it expires, and 400s (never 5xx) for malformed input.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "portal.logs.query.max-streams-per-user=2",
        "portal.logs.query.access-recheck=1s",
        "portal.logs.opensearch.index-prefix=lifecycle"})
class LogStreamLifecycleTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String TEAM = "logs-life";
    private static final TeamUsers USERS = new TeamUsers();
    private String token;

    @DynamicPropertySource
    static void wire(DynamicPropertyRegistry registry) {
        registry.add("portal.logs.opensearch.url", () -> EmbeddedOpenSearch.uri().toString());
    }

    @BeforeEach
    void member() { // fresh for each test: on a loaded machine the class can outlive a token
        token = USERS.memberToken(TEAM);
    }

    @Value("${local.server.port}")
    private int port;

    @Test
    void aQuietStreamSendsItsHeadersAndAFirstCommentAtOnce() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5_000); // a client that gives up after 5 s of silence
            socket.getOutputStream().write(("GET /api/v1/teams/" + TEAM + "/logs/stream HTTP/1.1\r\nHost: localhost\r\n"
                    + "Accept: text/event-stream\r\nAuthorization: Bearer " + token + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            BufferedReader reader = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.UTF_8));
            assertThat(reader.readLine()).isEqualTo("HTTP/1.1 200 OK");
            String line;
            boolean comment = false;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith(":")) {
                    comment = true;
                    break;
                }
            }
            assertThat(comment).as("a comment event before the 5 s read timeout").isTrue();
        }
    }

    @Test
    void aUserHoldsAtMostTheAllowedNumberOfStreams() {
        WebTestClient client = WebTestClient.bindToServer().baseUrl("http://localhost:" + port)
                .responseTimeout(Duration.ofSeconds(30)).build();
        Disposable first = stream(token).subscribe(event -> { }, failure -> { });
        Disposable second = stream(token).subscribe(event -> { }, failure -> { });
        try {
            await(() -> client.get().uri("/api/v1/teams/{team}/logs/stream", TEAM).headers(h -> h.setBearerAuth(token))
                    .exchange().returnResult(String.class).getStatus().value() == 429);
            client.get().uri("/api/v1/teams/{team}/logs/stream", TEAM).headers(h -> h.setBearerAuth(token)).exchange()
                    .expectStatus().isEqualTo(429)
                    .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody().jsonPath("$.title").isEqualTo("Too many open log streams");
            first.dispose();
            List<ServerSentEvent<String>> opened = stream(token).take(1).collectList().block(Duration.ofSeconds(30));
            assertThat(opened).hasSize(1);
        } finally {
            first.dispose();
            second.dispose();
        }
    }

    @Test
    void theStreamEndsWithAClosedEventWhenTheTokenThatOpenedItExpires() throws Exception {
        String shortLived = USERS.shortLivedAdminToken();
        List<ServerSentEvent<String>> events = stream(shortLived).filter(event -> event.event() != null)
                .collectList().block(Duration.ofSeconds(30));
        assertThat(events).isNotEmpty();
        ServerSentEvent<String> last = events.getLast();
        assertThat(last.event()).isEqualTo("closed");
        assertThat(JSON.readTree(last.data()).path("reason").asString()).isEqualTo("token-expired");
    }

    @Test
    void malformedInputIsABadRequestProblemOnBothEndpoints() {
        WebTestClient client = WebTestClient.bindToServer().baseUrl("http://localhost:" + port)
                .responseTimeout(Duration.ofSeconds(30)).build();
        List<String> queries = List.of("%C2%85=1", "stream=%00", "level=%07", "pod=a%0Ab", "q=%00", "size=abc",
                "size=-1", "size=1000000000000", "since=yesterday", "until=%00", "after=%25%25%25", "after=" + "A".repeat(5000),
                "format=%C2%85", "workload=" + "x".repeat(300), "container=%E2%80%AE", "lastEventId=%00_x",
                // an unassigned code point in a name: Spring Security's firewall refuses it (it was a 500)
                "%F2%8D%90%A1=1",
                // a range in the far future named indices that never exist: the log store refused it (a 503)
                "since=4597-12-20T08%3A25%3A10Z", "until=4597-12-20T08%3A25%3A10Z");
        // the stream reads only the filters and lastEventId (it has no paging, range or format): those, and malformed
        // parameter names, are its bad input; the search reads all of them
        List<String> streamParameters = List.of("%C2%85", "stream", "level", "pod", "q", "workload", "container",
                "lastEventId", "%F2%8D%90%A1");
        for (String path : List.of("/api/v1/teams/" + TEAM + "/logs", "/api/v1/teams/" + TEAM + "/logs/stream")) {
            for (String query : queries) {
                if (path.endsWith("/stream") && !streamParameters.contains(query.substring(0, query.indexOf('=')))) {
                    continue;
                }
                int status = client.get().uri(URI.create("http://localhost:" + port + path + "?" + query))
                        .headers(h -> h.setBearerAuth(token)).exchange()
                        .returnResult(String.class).getStatus().value();
                assertThat(status).as("%s?%s", path, query).isBetween(400, 499);
            }
        }
    }

    private Flux<ServerSentEvent<String>> stream(String bearer) {
        return WebClient.create("http://localhost:" + port).get()
                .uri("/api/v1/teams/" + TEAM + "/logs/stream")
                .headers(h -> h.setBearerAuth(bearer))
                .accept(MediaType.TEXT_EVENT_STREAM)
                .retrieve()
                .bodyToFlux(new ParameterizedTypeReference<ServerSentEvent<String>>() { });
    }

    private static void await(Callable<Boolean> condition) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(condition);
    }
}
