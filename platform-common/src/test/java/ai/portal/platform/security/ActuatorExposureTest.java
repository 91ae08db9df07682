package ai.portal.platform.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Where health and metrics are served: with a management port of its own (how {@code ./portal} and the Helm chart
 * run every service), only there and without a token, and not at all on the API port; without one, the API port
 * keeps health open for probes and wants a token for metrics.
 */
class ActuatorExposureTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Nested
    @SpringBootTest(classes = Service.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
            properties = {"spring.config.import=classpath:portal-platform.yaml", "spring.application.name=probe",
                    "portal.security.audience=probe", "portal.installation.id=probe-test", "management.server.port=0"})
    class WithAManagementPort {

        @LocalServerPort
        int apiPort;

        @LocalManagementPort
        int managementPort;

        @Test
        void healthAndMetricsAreServedOnTheManagementPortWithoutAToken() {
            assertThat(managementPort).isNotEqualTo(apiPort);
            HttpResponse<String> health = get(managementPort, "/actuator/health");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"UP\"");
            HttpResponse<String> metrics = get(managementPort, "/actuator/prometheus");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains("jvm_memory_used_bytes");
        }

        @Test
        void theApiPortServesNoActuatorEndpoint() {
            for (String path : new String[] {"/actuator/health", "/actuator/health/liveness", "/actuator/prometheus",
                    "/actuator/info", "/actuator"}) {
                HttpResponse<String> response = get(apiPort, path);
                assertThat(response.statusCode()).as(path).isIn(401, 404);
                assertThat(response.body()).as(path).doesNotContain("jvm_memory").doesNotContain("\"UP\"");
            }
        }
    }

    @Nested
    @SpringBootTest(classes = Service.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
            properties = {"spring.config.import=classpath:portal-platform.yaml", "spring.application.name=probe",
                    "portal.security.audience=probe", "portal.installation.id=probe-test"})
    class OnTheApiPort {

        @LocalServerPort
        int apiPort;

        @Test
        void healthStaysOpenForProbesButMetricsNeedAToken() {
            assertThat(get(apiPort, "/actuator/health/readiness").statusCode()).isEqualTo(200);
            HttpResponse<String> metrics = get(apiPort, "/actuator/prometheus");
            assertThat(metrics.statusCode()).isEqualTo(401);
            assertThat(metrics.body()).doesNotContain("jvm_memory");
            assertThat(get(apiPort, "/actuator/info").statusCode()).isEqualTo(401);
        }
    }

    private static HttpResponse<String> get(int port, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @SpringBootApplication
    static class Service {
    }
}
