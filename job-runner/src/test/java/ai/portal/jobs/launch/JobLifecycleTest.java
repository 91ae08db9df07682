package ai.portal.jobs.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import ai.portal.jobs.KueueTestSupport;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import tools.jackson.databind.JsonNode;

/** Training jobs on the local cluster with Kueue: one that completes, one that fails and retries, one cancelled. */
class JobLifecycleTest extends KueueTestSupport {

    @Test
    void aJobIsAdmittedRunsAndCompletesWithItsHistoryKept() {
        String team = teamWithQuota("job", "alice", Map.of(A100, 2), 1, false);
        JsonNode created = submit("alice", team, job("train", A100, 1, "3s"));
        assertThat(created.path("status").path("phase").asString()).isIn("Pending", "Running");
        awaitPhase(team, "train", "Succeeded");
        // the history is written by the recorder a moment after the status is seen
        JsonNode done = await("the history of " + team + "/train to record its end", () -> json(get("admin",
                "/api/v1/teams/{team}/workloads/{name}", team, "train"), HttpStatus.OK),
                detail -> detail.path("history").findValuesAsString("phase").contains("Succeeded"),
                java.time.Duration.ofSeconds(30));
        JsonNode status = done.path("workload").path("status");
        assertThat(status.path("reason").path("text").asString()).startsWith("completed in ");
        assertThat(status.path("exit").path("code").asInt()).isZero();
        assertThat(status.path("admittedAt").isNull()).isFalse();
        JsonNode history = done.path("history");
        assertThat(history.findValuesAsString("type")).contains("admitted", "phase");
        assertThat(history.findValuesAsString("phase")).contains("Running", "Succeeded");
        // the timeline reads in order: nothing pending after it ran, though its pod's start is often seen late
        java.util.List<String> timeline = new java.util.ArrayList<>();
        history.forEach(entry -> {
            if ("phase".equals(entry.path("type").asString())) {
                timeline.add(entry.path("phase").asString());
            }
        });
        assertThat(timeline.subList(timeline.indexOf("Running"), timeline.size())).as("%s", timeline)
                .doesNotContain("Pending");
        assertThat(done.path("events").findValuesAsString("reason")).contains("CreatedWorkload");
        var job = kubernetes().batch().v1().jobs().inNamespace("team-" + team).withName("train").get();
        assertThat(job.getMetadata().getLabels()).containsEntry("kueue.x-k8s.io/queue-name", "team");
    }

    @Test
    void aFailingJobIsRetriedThenFailsWithItsExitCode() {
        String team = teamWithQuota("jobf", "alice", Map.of(), 1, false);
        submit("alice", team, job("flaky", null, 0, "1s", "retries", 1,
                "annotations", Map.of("sim.portal.ai/duration", "1s", "sim.portal.ai/outcome", "fail")));
        JsonNode failed = awaitPhase(team, "flaky", "Failed");
        JsonNode status = failed.path("workload").path("status");
        assertThat(status.path("attempts").asInt()).isEqualTo(2);
        assertThat(status.path("exit").path("code").asInt()).isEqualTo(1);
        assertThat(status.path("reason").path("code").asString()).isEqualTo("retries-exhausted");
        assertThat(status.path("reason").path("text").asString()).isEqualTo(
                "failed 2 times (last exit code 1, Error); retries: 1");
    }

    @Test
    void cancellingStopsTheJobAndKeepsItsHistory() {
        String team = teamWithQuota("jobc", "alice", Map.of(), 1, false);
        submit("alice", team, job("long", null, 0, "10m"));
        awaitPhase(team, "long", "Running");
        JsonNode cancelled = json(send("alice", HttpMethod.POST, "/api/v1/teams/{team}/jobs/long/cancel", null, team),
                HttpStatus.OK);
        assertThat(cancelled.path("status").path("phase").asString()).isEqualTo("Cancelled");
        awaitTrue("the Job to be gone", () -> kubernetes().batch().v1().jobs().inNamespace("team-" + team)
                .withName("long").get() == null);
        assertThat(workload(team, "long").path("workload").path("status").path("phase").asString())
                .isEqualTo("Cancelled");
        // cancelling twice changes nothing; a finished job cannot be cancelled
        send("alice", HttpMethod.POST, "/api/v1/teams/{team}/jobs/long/cancel", null, team).expectStatus().isOk();
        submit("alice", team, job("short", null, 0, "1s"));
        awaitPhase(team, "short", "Succeeded");
        expectProblem(send("alice", HttpMethod.POST, "/api/v1/teams/{team}/jobs/short/cancel", null, team),
                HttpStatus.CONFLICT, null);
        send("alice", HttpMethod.DELETE, "/api/v1/teams/{team}/jobs/short", null, team).expectStatus().isNoContent();
        get("alice", "/api/v1/teams/{team}/jobs/short", team).expectStatus().isNotFound();
    }
}
