package ai.portal.logs.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;

import ai.portal.logs.EmbeddedOpenSearch;
import ai.portal.testing.ServiceProcess;
import ai.portal.testing.Tokens;
import org.junit.jupiter.api.AfterAll;
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
import tools.jackson.databind.json.JsonMapper;

/**
 * Team access follows tenant-service, the source of truth: a real tenant-service process (its boot jar, provisioning
 * off) says who is in a team. A member removed there is refused by search within seconds and their open stream ends
 * with {@code closed: access-revoked}; a Keycloak group named like a team grants nothing.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "portal.logs.query.access-recheck=1s",
        "portal.logs.opensearch.index-prefix=revoke"})
class TeamAccessFollowsTenantServiceTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static ServiceProcess tenant;

    private static synchronized ServiceProcess tenant() {
        if (tenant == null) {
            tenant = ServiceProcess.start("tenant-service", Map.of("PORTAL_PROVISIONING_ENABLED", "false"));
        }
        return tenant;
    }

    @DynamicPropertySource
    static void wire(DynamicPropertyRegistry registry) {
        registry.add("portal.logs.opensearch.url", () -> EmbeddedOpenSearch.uri().toString());
        registry.add("portal.teams.tenant-service-url", () -> tenant().baseUrl());
    }

    @AfterAll
    static void stopTenantService() {
        if (tenant != null) {
            tenant.close();
        }
    }

    @Value("${local.server.port}")
    private int port;

    @Test
    void aMemberRemovedInTenantServiceIsRefusedWithinSecondsAndTheirOpenStreamEnds() {
        Tokens tokens = Tokens.fromTestStack();
        String admin = tokens.userToken("admin");
        String slug = "logrev" + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 20), 36);
        WebTestClient tenantApi = WebTestClient.bindToServer().baseUrl(tenant().baseUrl())
                .responseTimeout(Duration.ofSeconds(60)).build();
        tenantApi.post().uri("/api/v1/teams").headers(h -> h.setBearerAuth(admin))
                .bodyValue(Map.of("slug", slug, "displayName", "Log revocation", "owner", "carol"))
                .exchange().expectStatus().is2xxSuccessful();
        tenantApi.post().uri("/api/v1/teams/{slug}/members", slug).headers(h -> h.setBearerAuth(admin))
                .bodyValue(Map.of("username", "alice", "role", "member"))
                .exchange().expectStatus().is2xxSuccessful();
        String alice = tokens.userToken("alice");
        WebTestClient logs = WebTestClient.bindToServer().baseUrl("http://localhost:" + port)
                .responseTimeout(Duration.ofSeconds(60)).build();
        logs.get().uri("/api/v1/teams/{team}/logs", slug).headers(h -> h.setBearerAuth(alice)).exchange()
                .expectStatus().isOk();

        List<ServerSentEvent<String>> events = new CopyOnWriteArrayList<>();
        Disposable stream = WebClient.create("http://localhost:" + port).get()
                .uri("/api/v1/teams/" + slug + "/logs/stream")
                .headers(h -> h.setBearerAuth(alice))
                .accept(MediaType.TEXT_EVENT_STREAM).retrieve()
                .bodyToFlux(new ParameterizedTypeReference<ServerSentEvent<String>>() { })
                .subscribe(events::add, failure -> { });
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> !events.isEmpty());
            tenantApi.delete().uri("/api/v1/teams/{slug}/members/{user}", slug, "alice")
                    .headers(h -> h.setBearerAuth(admin)).exchange().expectStatus().is2xxSuccessful();

            await().atMost(Duration.ofSeconds(30)).until(() -> events.stream()
                    .anyMatch(event -> "closed".equals(event.event())));
            ServerSentEvent<String> closed = events.stream().filter(event -> "closed".equals(event.event()))
                    .findFirst().orElseThrow();
            assertThat(JSON.readTree(closed.data()).path("reason").asString()).isEqualTo("access-revoked");
            await().atMost(Duration.ofSeconds(15)).until(() -> logs.get().uri("/api/v1/teams/{team}/logs", slug)
                    .headers(h -> h.setBearerAuth(alice)).exchange().returnResult(String.class).getStatus().value() == 404);
        } finally {
            stream.dispose();
            tenantApi.delete().uri("/api/v1/teams/{slug}", slug).headers(h -> h.setBearerAuth(admin)).exchange();
        }
    }

    @Test
    void aKeycloakGroupNamedLikeATeamGrantsNothing() {
        // logs-test-logs-a is in a Keycloak group team-logs-a, but tenant-service knows no such membership
        String token = new TeamUsers().memberToken("logs-a");
        WebTestClient.bindToServer().baseUrl("http://localhost:" + port).responseTimeout(Duration.ofSeconds(60)).build()
                .get().uri("/api/v1/teams/{team}/logs", "logs-a").headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isNotFound();
    }
}
