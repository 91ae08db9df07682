package ai.portal.jobs.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import ai.portal.jobs.KueueTestSupport;
import io.fabric8.kubernetes.api.model.Pod;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import tools.jackson.databind.JsonNode;

/** Usage totals are the Running intervals of the workloads' pods, as Kubernetes reports their containers' times. */
class UsageTest extends KueueTestSupport {

    @Test
    void gpuSecondsAreTheGpusTimesTheContainersRunningTime() {
        Instant from = Instant.now().minusSeconds(5);
        String team = teamWithQuota("use", "alice", Map.of(T4, 2), 1, false);
        submit("alice", team, job("a", T4, 2, "3s"));
        submit("alice", team, job("b", null, 0, "2s", "cpu", "2", "memory", "4Gi"));
        awaitPhase(team, "a", "Succeeded");
        awaitPhase(team, "b", "Succeeded");
        double expectedGpu = 0;
        double expectedCpu = 0;
        double expectedGib = 0;
        for (Pod pod : kubernetes().pods().inNamespace("team-" + team).list().getItems()) {
            var terminated = pod.getStatus().getContainerStatuses().getFirst().getState().getTerminated();
            double seconds = Duration.between(Instant.parse(terminated.getStartedAt()),
                    Instant.parse(terminated.getFinishedAt())).toMillis() / 1000.0;
            boolean gpuPod = "a".equals(pod.getMetadata().getLabels().get("portal.ai/workload"));
            expectedGpu += gpuPod ? 2 * seconds : 0;
            expectedCpu += (gpuPod ? 1 : 2) * seconds;
            expectedGib += (gpuPod ? 1 : 4) * seconds;
        }
        double gpu = expectedGpu;
        double cpu = expectedCpu;
        double gib = expectedGib;
        JsonNode row = await("usage of team " + team + " to be recorded", () -> json(get("alice",
                        "/api/v1/usage?groupBy=team&team={team}&from={from}", team, from.toString()), HttpStatus.OK),
                rows -> rows.size() == 1 && Math.abs(rows.get(0).path("gpuSeconds").asDouble() - gpu) < 0.01
                        && Math.abs(rows.get(0).path("cpuSeconds").asDouble() - cpu) < 0.01,
                Duration.ofSeconds(60)).get(0);
        assertThat(row.path("key").asString()).isEqualTo(team);
        assertThat(row.path("memoryGibSeconds").asDouble()).isCloseTo(gib, within(0.01));
        assertThat(row.path("workloads").asLong()).isEqualTo(2);
        assertThat(gpu).isGreaterThan(5.0);

        JsonNode byType = json(get("alice", "/api/v1/usage?groupBy=gpuType&team={team}&from={from}", team,
                from.toString()), HttpStatus.OK);
        assertThat(byType.findValuesAsString("key")).contains(T4, "");
        JsonNode byUser = json(get("alice", "/api/v1/usage?groupBy=user&team={team}&from={from}", team,
                from.toString()), HttpStatus.OK);
        assertThat(byUser.get(0).path("key").asString()).isEqualTo("alice");

        String csv = client.get().uri("/api/v1/usage?groupBy=team&team={team}&from={from}", team, from.toString())
                .headers(h -> h.setBearerAuth(token("alice"))).accept(org.springframework.http.MediaType.parseMediaType(
                        "text/csv")).exchange().expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith("text/csv")
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(csv.lines().findFirst().orElseThrow())
                .isEqualTo("team_key,team,gpu_hours,gpu_seconds,cpu_seconds,memory_gib_seconds,run_seconds,workloads");
        assertThat(csv.lines().skip(1)).singleElement().satisfies(line ->
                assertThat(line).startsWith(team + "," + team + ",")
                        .contains(String.format(java.util.Locale.ROOT, "%.3f", gpu)));

        // another team's member sees none of it; an admin sees every team
        get("bob", "/api/v1/usage?team={team}", team).expectStatus().isNotFound();
        assertThat(json(get("bob", "/api/v1/usage?from={from}", from.toString()), HttpStatus.OK)
                .findValuesAsString("key")).doesNotContain(team);
        assertThat(json(get("admin", "/api/v1/usage?from={from}", from.toString()), HttpStatus.OK)
                .findValuesAsString("key")).contains(team);
    }
}
