package ai.portal.jobs.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import ai.portal.jobs.KueueTestSupport;
import ai.portal.jobs.TeamQueues;
import ai.portal.jobs.TeamQueues.PrivateGpus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import tools.jackson.databind.JsonNode;

/**
 * Borrowing in the installation's cohort and reclaim, on private GPU nodes: team a's job borrows team b's idle GPUs;
 * when team b needs them, Kueue preempts a's job and the portal says who took them back.
 */
class BorrowingTest extends KueueTestSupport {

    private PrivateGpus gpus;

    @AfterEach
    void removeNodes() {
        if (gpus != null) {
            TeamQueues.deleteNodes(kubernetes(), gpus);
        }
    }

    @Test
    void aJobBorrowsIdleQuotaAndIsPreemptedWhenItsOwnerReclaimsIt() {
        gpus = TeamQueues.privateNodes(kubernetes(), 1, 4);
        String lender = teamWithQuota("lend", "carol", Map.of(gpus.gpuType(), 2), 1, true);
        String borrower = teamWithQuota("borrow", "alice", Map.of(gpus.gpuType(), 2), 1, true);

        // the lender's idle quota is seen once the job runner's informers have its ClusterQueue
        JsonNode check = await("the dry run to count the lender's idle GPUs", () -> json(send("alice",
                        HttpMethod.POST, "/api/v1/teams/{team}/jobs?dryRun=true", job("big", gpus.gpuType(), 4, "10m"),
                        borrower), HttpStatus.OK),
                result -> result.path("startsNow").asBoolean(), Duration.ofSeconds(60));
        assertThat(check.path("possible").asBoolean()).isTrue();
        submit("alice", borrower, job("big", gpus.gpuType(), 4, "10m"));
        awaitPhase(borrower, "big", "Running");

        submit("carol", lender, job("mine", gpus.gpuType(), 2, "10m"));
        JsonNode preempted = awaitStatus(borrower, "big", "preempted", status ->
                "preempted".equals(status.path("reason").path("code").asString()));
        assertThat(preempted.path("workload").path("status").path("reason").path("text").asString())
                .contains("team " + lender);
        // the history recorder writes the entry a moment after the status shows it
        await("the history of " + borrower + "/big to record the preemption", () -> json(get("admin",
                        "/api/v1/teams/{team}/workloads/{name}", borrower, "big"), HttpStatus.OK),
                detail -> detail.path("history").findValuesAsString("type").contains("preempted"),
                Duration.ofSeconds(30));
        awaitPhase(lender, "mine", "Running");

        // more than the team could ever get, even borrowing everything, is refused at once
        expectProblem(send("alice", HttpMethod.POST, "/api/v1/teams/{team}/jobs",
                job("huge", gpus.gpuType(), 5, "1m"), borrower), HttpStatus.UNPROCESSABLE_CONTENT, "gpus");
    }
}
