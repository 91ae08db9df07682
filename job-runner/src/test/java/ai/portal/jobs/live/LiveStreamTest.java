package ai.portal.jobs.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import ai.portal.jobs.KueueTestSupport;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import reactor.core.Disposable;

/** The team's live stream: a heartbeat at once, a snapshot, then one event per workload that changes. */
class LiveStreamTest extends KueueTestSupport {

    @Test
    void streamsTheTeamsWorkloadChanges() {
        String team = teamWithQuota("live", "alice", Map.of(), 1, false);
        List<ServerSentEvent<String>> received = new CopyOnWriteArrayList<>();
        Disposable stream = client.get().uri("/api/v1/teams/{team}/workloads/stream", team)
                .headers(h -> h.setBearerAuth(token("alice"))).accept(MediaType.TEXT_EVENT_STREAM)
                .exchange().expectStatus().isOk()
                .returnResult(new ParameterizedTypeReference<ServerSentEvent<String>>() { })
                .getResponseBody().subscribe(received::add);
        try {
            await("a comment and a snapshot", () -> received, events -> events.size() >= 2
                    && "connected".equals(events.get(0).comment()) && "snapshot".equals(events.get(1).event()),
                    Duration.ofSeconds(30));
            assertThat(received.get(1).data()).isEqualTo("[]");

            submit("alice", team, job("streamed", null, 0, "2s"));
            await("the job to appear and succeed on the stream", () -> received, events -> events.stream()
                    .anyMatch(event -> "workload".equals(event.event()) && event.data().contains("\"Succeeded\"")),
                    Duration.ofSeconds(90));
            send("alice", HttpMethod.DELETE, "/api/v1/teams/{team}/jobs/streamed", null, team).expectStatus()
                    .isNoContent();
            await("the job to be removed on the stream", () -> received, events -> events.stream()
                    .anyMatch(event -> "removed".equals(event.event()) && event.data().contains("streamed")),
                    Duration.ofSeconds(60));
        } finally {
            stream.dispose();
        }
    }
}
