package ai.portal.logs.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import ai.portal.logs.kubernetes.PodLogSource;
import ai.portal.testing.Tokens;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import tools.jackson.databind.json.JsonMapper;

/**
 * With OpenSearch unreachable, the live tail says so and continues from the pod log API. The pod log API is a
 * stand-in here (the local cluster's KWOK serves real ones; {@code ClusterAccess} is the fabric8 side).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "portal.logs.opensearch.url=http://127.0.0.1:9",
        "portal.logs.opensearch.timeout=2s"})
class LogTailFallbackTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TestConfiguration
    static class PodLogs {
        @Bean
        @Primary
        PodLogSource fakePodLogs() {
            return new PodLogSource() {
                @Override
                public boolean available() {
                    return true;
                }

                @Override
                public Flux<PodLogLine> after(String namespace, Selection selection, Instant after) {
                    Instant now = Instant.now();
                    return Flux.just(new PodLogLine(now, "job-1", "main", "from the kubelet in " + namespace))
                            .filter(line -> line.time().isAfter(after));
                }
            };
        }
    }

    @Value("${local.server.port}")
    private int port;

    @Test
    void liveTailFallsBackToThePodLogApiAndSaysSoWhenOpenSearchIsUnavailable() {
        String admin = Tokens.fromTestStack().userToken("admin");
        List<ServerSentEvent<String>> events = WebClient.create("http://localhost:" + port).get()
                .uri("/api/v1/teams/vision/logs/stream")
                .headers(h -> h.setBearerAuth(admin))
                .accept(MediaType.TEXT_EVENT_STREAM)
                .retrieve()
                .bodyToFlux(new ParameterizedTypeReference<ServerSentEvent<String>>() { })
                .filter(event -> event.event() != null)
                .take(2)
                .collectList().block(Duration.ofSeconds(30));
        assertThat(events.get(0).event()).isEqualTo("notice");
        assertThat(JSON.readTree(events.get(0).data()).path("source").asString()).isEqualTo("kubernetes");
        assertThat(events.get(1).event()).isEqualTo("log");
        assertThat(JSON.readTree(events.get(1).data()).path("message").asString())
                .isEqualTo("from the kubelet in team-vision");
    }
}
