package ai.portal.jobs.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import ai.portal.jobs.KueueTestSupport;
import ai.portal.jobs.TeamQueues;
import ai.portal.jobs.TeamQueues.PrivateGpus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The queue people see, on private GPU nodes: with the team's quota full, a second job waits with position 1, the
 * reason in plain words and an estimated start from the first job's max runtime, and is admitted by itself when
 * the first completes.
 */
class QueueTest extends KueueTestSupport {

    private PrivateGpus gpus;

    @AfterEach
    void removeNodes() {
        if (gpus != null) {
            TeamQueues.deleteNodes(kubernetes(), gpus);
        }
    }

    @Test
    void secondJobWaitsWithPositionReasonAndEstimateThenStartsByItself() {
        gpus = TeamQueues.privateNodes(kubernetes(), 1, 4);
        String team = teamWithQuota("q", "alice", Map.of(gpus.gpuType(), 4), 1, false);
        submit("alice", team, job("first", gpus.gpuType(), 4, "20s", "maxRuntimeSeconds", 60));
        JsonNode first = awaitPhase(team, "first", "Running");
        Instant admitted = Instant.parse(first.path("workload").path("status").path("admittedAt").asString());

        submit("alice", team, job("second", gpus.gpuType(), 4, "2s", "maxRuntimeSeconds", 60));
        JsonNode waiting = awaitStatus(team, "second", "queued behind the first", status ->
                "queued".equals(status.path("stage").asString())
                        && "team-quota-full".equals(status.path("reason").path("code").asString())
                        && status.path("queue").path("positionInTeam").asInt() == 1);
        JsonNode status = waiting.path("workload").path("status");
        assertThat(status.path("reason").path("text").asString()).contains("team " + team + " is using 4 of 4 ");
        assertThat(status.path("reason").path("args").path("used").asString()).isEqualTo("4");
        JsonNode queue = status.path("queue");
        Instant latest = Instant.parse(queue.path("latestStart").asString());
        assertThat(Duration.between(admitted.plusSeconds(60), latest).abs()).isLessThan(Duration.ofSeconds(3));
        assertThat(queue.path("confidence").asString()).isIn("low", "medium", "high");
        assertThat(queue.path("basis").asString()).contains("max runtimes of 1 running");

        JsonNode done = awaitPhase(team, "second", "Succeeded");
        assertThat(done.path("history").findValuesAsString("type")).contains("waiting", "admitted");
        assertThat(done.path("history").findValuesAsString("message")).anySatisfy(message ->
                assertThat(message).contains("is using 4 of 4"));
    }
}
