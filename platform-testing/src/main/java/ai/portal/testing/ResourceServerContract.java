package ai.portal.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.function.Consumer;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * What every backend must do with bearer tokens, checked against the running service with real Keycloak tokens.
 * A backend's test extends this in a {@code @SpringBootTest(webEnvironment = RANDOM_PORT)} class and so inherits
 * the whole rejection matrix; expired tokens need {@code portal.security.clock-skew=0s} in that test. The service
 * runs with a management port of its own, as {@code ./portal} and the Helm chart run it.
 */
@TestPropertySource(properties = "management.server.port=0")
public abstract class ResourceServerContract {

    protected static final Tokens TOKENS = Tokens.fromTestStack();

    @Value("${local.server.port}")
    private int port;

    @Value("${local.management.port}")
    private int managementPort;

    protected WebTestClient client;

    @BeforeEach
    void bindClient() {
        // generous: the first OpenAPI rendering of a cold service on a loaded 2-core machine takes seconds
        client = WebTestClient.bindToServer().baseUrl("http://localhost:" + port)
                .responseTimeout(Duration.ofSeconds(60)).build();
    }

    @Test
    void answersWhoTheCallerIsForAValidUserToken() {
        client.get().uri("/api/v1/me").headers(h -> h.setBearerAuth(TOKENS.userToken("alice")))
                .exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.username").isEqualTo("alice")
                .jsonPath("$.name").isEqualTo("Alice Anders")
                .jsonPath("$.roles").value(roles -> assertThat(roles.toString()).contains("data-scientist"))
                .jsonPath("$.teams").isArray();
    }

    @Test
    void acceptsTheAutomationClientsClientCredentialsToken() {
        client.get().uri("/api/v1/me").headers(h -> h.setBearerAuth(TOKENS.automationToken()))
                .exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.username").isEqualTo("service-account-portal-automation");
    }

    @Test
    void rejectsRequestWithoutToken() {
        expectProblem(client.get().uri("/api/v1/me").exchange(), HttpStatus.UNAUTHORIZED);
    }

    @Test
    void rejectsExpiredToken() throws InterruptedException {
        String expired = TOKENS.expiredUserToken("alice");
        expectProblem(client.get().uri("/api/v1/me").headers(h -> h.setBearerAuth(expired)).exchange(),
                HttpStatus.UNAUTHORIZED);
    }

    @Test
    void rejectsTokenIssuedForAnotherAudience() {
        String token = TOKENS.tokenWithoutBackendAudience("alice");
        expectProblem(client.get().uri("/api/v1/me").headers(h -> h.setBearerAuth(token)).exchange(),
                HttpStatus.UNAUTHORIZED);
    }

    @Test
    void rejectsTokenFromAnotherIssuer() {
        String token = TOKENS.tokenFromOtherIssuer();
        expectProblem(client.get().uri("/api/v1/me").headers(h -> h.setBearerAuth(token)).exchange(),
                HttpStatus.UNAUTHORIZED);
    }

    @Test
    void rejectsTokenWithTamperedSignature() {
        String token = Tokens.withTamperedSignature(TOKENS.userToken("alice"));
        expectProblem(client.get().uri("/api/v1/me").headers(h -> h.setBearerAuth(token)).exchange(),
                HttpStatus.UNAUTHORIZED);
    }

    @Test
    void rejectsTokenWhoseClaimsWereEditedToGainAdmin() {
        String token = Tokens.withEditedClaims(TOKENS.userToken("alice"), "\"data-scientist\"", "\"platform-admin\"");
        expectProblem(client.get().uri("/api/v1/me").headers(h -> h.setBearerAuth(token)).exchange(),
                HttpStatus.UNAUTHORIZED);
    }

    @Test
    void rejectsUnsignedAlgNoneToken() {
        String token = Tokens.withAlgNone(TOKENS.userToken("alice"));
        expectProblem(client.get().uri("/api/v1/me").headers(h -> h.setBearerAuth(token)).exchange(),
                HttpStatus.UNAUTHORIZED);
    }

    @Test
    void forbidsValidTokenOfUserWithoutPortalRole() {
        String token = TOKENS.userToken("guest");
        expectProblem(client.get().uri("/api/v1/me").headers(h -> h.setBearerAuth(token)).exchange(),
                HttpStatus.FORBIDDEN);
    }

    @Test
    void servesHealthAndPrometheusMetricsOnTheManagementPortWithoutToken() {
        // the health answer includes the service's own checks (database, cluster), slow on a loaded machine
        WebTestClient management = WebTestClient.bindToServer().baseUrl("http://localhost:" + managementPort)
                .responseTimeout(Duration.ofSeconds(60)).build();
        management.get().uri("/actuator/health").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("UP");
        management.get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
                .expectBody(String.class).value(body -> assertThat(body).contains("jvm_memory_used_bytes"));
    }

    @Test
    void servesNoActuatorEndpointOnTheApiPortWithOrWithoutToken() {
        String admin = TOKENS.userToken("admin");
        for (String path : new String[] {"/actuator/health", "/actuator/prometheus", "/actuator/info", "/actuator"}) {
            client.get().uri(path).exchange()
                    .expectStatus().value(status -> assertThat(status).as(path).isIn(401, 404))
                    .expectBody(String.class).value(body -> assertThat(body).doesNotContain("jvm_memory", "\"UP\""));
            client.get().uri(path).headers(h -> h.setBearerAuth(admin)).exchange().expectStatus().isNotFound();
        }
    }

    @Test
    void publishesOpenApiDescriptionOfVersionedApi() {
        client.get().uri("/v3/api-docs").exchange().expectStatus().isOk()
                .expectBody()
                .jsonPath("$.paths['/api/v1/me'].get").exists()
                .jsonPath("$.paths['/api/v1/me'].get.responses['401'].content['application/problem+json']").exists()
                .jsonPath("$.components.schemas.Problem.properties.requestId").exists()
                .jsonPath("$.components.securitySchemes").exists();
    }

    protected static void expectProblem(WebTestClient.ResponseSpec response, HttpStatus status) {
        expectProblem(response, status, body -> { });
    }

    protected static void expectProblem(WebTestClient.ResponseSpec response, HttpStatus status,
                                        Consumer<WebTestClient.BodyContentSpec> more) {
        WebTestClient.BodyContentSpec body = response
                .expectStatus().isEqualTo(status)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.status").isEqualTo(status.value())
                .jsonPath("$.title").isNotEmpty()
                .jsonPath("$.detail").isNotEmpty();
        more.accept(body);
    }
}
