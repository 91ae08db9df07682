package ai.portal.tenant;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import ai.portal.tenant.provisioning.TestCluster;
import ai.portal.testing.Tokens;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * Base of the tenant API tests: the service runs on a random port against the suite's real Keycloak, PostgreSQL
 * and Kubernetes cluster (a local one: {@link TestCluster#kubeconfigFile}); callers are the realm's demo users with
 * real tokens. Every test makes teams with fresh
 * slugs and deletes them afterwards.
 */
public abstract class TenantApiTestSupport {

    protected static final Tokens TOKENS = Tokens.fromTestStack();

    static {
        // the service under test creates and deletes namespaces: only ever on a cluster the project started
        TestCluster.kubeconfigFile();
    }
    private static final Map<String, String> TOKEN_CACHE = new ConcurrentHashMap<>();

    @Value("${local.server.port}")
    private int port;

    protected WebTestClient client;
    private final java.util.List<String> created = new java.util.ArrayList<>();

    @BeforeEach
    void bindClient() {
        client = WebTestClient.bindToServer().baseUrl("http://localhost:" + port)
                .responseTimeout(Duration.ofSeconds(90)).build();
    }

    @AfterEach
    void deleteCreatedTeams() {
        for (String slug : created) {
            client.delete().uri("/api/v1/teams/{slug}?force=true", slug).headers(h -> h.setBearerAuth(token("admin")))
                    .exchange();
        }
    }

    /** Deletes the team (and so its namespace and groups) after the test. */
    protected void trackForCleanup(String slug) {
        created.add(slug);
    }

    /** A fresh slug no earlier run used. */
    protected static String newSlug(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** One token per user, replaced when it has less than a minute left (they live five). */
    protected static String token(String user) {
        return TOKEN_CACHE.compute(user, (name, cached) -> cached != null
                && Tokens.claims(cached).path("exp").asLong() > System.currentTimeMillis() / 1000 + 60
                ? cached : TOKENS.userToken(name));
    }

    protected static String subjectOf(String user) {
        return Tokens.claims(token(user)).path("sub").asString();
    }

    /** Creates a team as admin with {@code owner} as its first owner. */
    protected JsonNode createTeam(String slug, String owner) {
        created.add(slug);
        return client.post().uri("/api/v1/teams").headers(h -> h.setBearerAuth(token("admin")))
                .bodyValue(Map.of("slug", slug, "displayName", "Team " + slug, "owner", owner))
                .exchange()
                .expectStatus().isCreated()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
    }

    protected void addMember(String slug, String user, String role) {
        client.post().uri("/api/v1/teams/{slug}/members", slug).headers(h -> h.setBearerAuth(token("admin")))
                .bodyValue(Map.of("username", user, "role", role))
                .exchange().expectStatus().isCreated();
    }

    protected WebTestClient.ResponseSpec get(String user, String uri, Object... vars) {
        return client.get().uri(uri, vars).headers(h -> h.setBearerAuth(token(user))).exchange();
    }

    protected WebTestClient.ResponseSpec send(String user, org.springframework.http.HttpMethod method, String uri,
                                              Object body, Object... vars) {
        var request = client.method(method).uri(uri, vars).headers(h -> h.setBearerAuth(token(user)));
        return body == null ? request.exchange() : request.bodyValue(body).exchange();
    }

    protected static void expectProblem(WebTestClient.ResponseSpec response, HttpStatus status, String field) {
        var body = response.expectStatus().isEqualTo(status)
                .expectHeader().contentTypeCompatibleWith(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.status").isEqualTo(status.value())
                .jsonPath("$.detail").isNotEmpty();
        if (field != null) {
            body.jsonPath("$.field").isEqualTo(field);
        }
    }

    /** Polls {@code GET /api/v1/teams/{slug}} as admin until its status phase is {@code phase}. */
    protected JsonNode awaitPhase(String slug, String phase) {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        JsonNode team = null;
        while (System.nanoTime() < deadline) {
            team = get("admin", "/api/v1/teams/{slug}", slug).expectStatus().isOk()
                    .expectBody(JsonNode.class).returnResult().getResponseBody();
            if (phase.equals(team.path("status").path("phase").asString())) {
                return team;
            }
            sleep(500);
        }
        throw new AssertionError("team " + slug + " never reached " + phase + "; last seen: " + team);
    }

    protected static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
