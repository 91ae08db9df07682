package ai.portal.jobs.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import ai.portal.jobs.KueueTestSupport;
import ai.portal.jobs.TeamQueues;
import ai.portal.jobs.TeamQueues.PrivateGpus;
import ai.portal.testing.ServiceProcess;
import io.fabric8.kubernetes.api.model.Pod;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * The job runner killed (SIGKILL) while its jobs run and wait, and started again: nothing is lost (rows, history,
 * usage), nothing is done twice (no Job re-created, no history entry or usage interval doubled), what happened while
 * it was down is recorded, and a row written just before a crash (never applied) is applied exactly once.
 *
 * <p>The job runner under test is its boot jar as a real process ({@link ServiceProcess}); the job runner of the
 * test JVM lets go of the Lease for the duration, so the process leads.
 */
class RestartIT extends KueueTestSupport {

    private ServiceProcess process;
    private PrivateGpus gpus;

    @AfterEach
    void cleanUp() {
        if (process != null) {
            process.stop();
        }
        leadership.start();
        if (gpus != null) {
            TeamQueues.deleteNodes(kubernetes(), gpus);
        }
    }

    @Test
    void aRestartLosesNothingAndDoesNothingTwice() {
        gpus = TeamQueues.privateNodes(kubernetes(), 1, 2);
        String team = teamWithQuota("restart", "alice", Map.of(gpus.gpuType(), 2), 1, false);
        leadership.stop();
        process = ServiceProcess.start("job-runner", Map.of(
                "PORTAL_TENANT_URL", tenantUrl(),
                "PORTAL_JOBS_LEADER_LEASEDURATION", "6s",
                "PORTAL_JOBS_LEADER_RENEWDEADLINE", "4s",
                "PORTAL_JOBS_LEADER_RETRYPERIOD", "1s",
                "PORTAL_JOBS_RECONCILE_RESYNCPERIOD", "5s",
                "PORTAL_JOBS_HISTORY_SWEEPPERIOD", "2s",
                "PORTAL_JOBS_USAGE_SWEEPPERIOD", "2s"));
        WebTestClient api = WebTestClient.bindToServer().baseUrl(process.baseUrl())
                .responseTimeout(Duration.ofSeconds(60)).build();

        // a job runner just started answers launches with 503 until its informers have listed the cluster
        await("the started job runner to see team " + team + "'s queue", () -> api.get()
                        .uri("/api/v1/teams/{team}/capacity", team).headers(h -> h.setBearerAuth(token("alice")))
                        .exchange().expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody(),
                capacity -> capacity.path("queueReady").asBoolean(), Duration.ofSeconds(120));
        submit(api, team, job("long", gpus.gpuType(), 2, "25s"));
        submit(api, team, job("next", gpus.gpuType(), 2, "3s"));
        awaitPhase(api, team, "long", "Running");
        awaitStage(api, team, "next", "queued");
        String longUid = jobUid(team, "long");
        String nextUid = jobUid(team, "next");
        long historyOfLong = historyRows(team, "long");

        process.kill();
        // a launch whose row was written but whose objects were not, as when the process dies right after the insert
        UUID orphanRow = insertRowWithoutObjects(team, "after-crash");
        // meanwhile Kueue admits "next" when "long" ends; nobody records it
        awaitTrue("the first job to end while the job runner is down", () -> jobDone(team, "long"));

        process.restart();
        awaitPhase(api, team, "next", "Succeeded");
        JsonNode long_ = awaitPhase(api, team, "long", "Succeeded");
        awaitPhase(api, team, "after-crash", "Succeeded");

        // nothing done twice: the same Jobs, one Job for the row written before the crash
        assertThat(jobUid(team, "long")).isEqualTo(longUid);
        assertThat(jobUid(team, "next")).isEqualTo(nextUid);
        assertThat(kubernetes().batch().v1().jobs().inNamespace("team-" + team).withLabel(
                "portal.ai/workload-id", orphanRow.toString()).list().getItems()).hasSize(1);
        assertThat(db.sql("select object_uid from workload where id = :id").bind("id", orphanRow)
                .map(row -> row.get("object_uid", String.class)).one().block()).isNotNull();

        // nothing lost: what happened while down is in the history, once
        assertThat(historyRows(team, "long")).isGreaterThanOrEqualTo(historyOfLong);
        for (String name : List.of("long", "next")) {
            assertThat(phaseRows(team, name, "Succeeded")).as(name).isEqualTo(1);
            assertThat(phaseRows(team, name, "Running")).as(name).isEqualTo(1);
            assertThat(typeRows(team, name, "admitted")).as(name).isEqualTo(1);
        }
        // and the API shows it (read again: the history rows above may have landed after the first read)
        assertThat(awaitPhase(api, team, "next", "Succeeded").path("history").findValuesAsString("type"))
                .contains("admitted");
        assertThat(long_.path("workload").path("status").path("reason").path("text").asString())
                .startsWith("completed in");

        // usage: one interval per pod, closed at the container's own finish even though it ended while down
        for (Pod pod : kubernetes().pods().inNamespace("team-" + team).list().getItems()) {
            var terminated = pod.getStatus().getContainerStatuses().getFirst().getState().getTerminated();
            List<Map<String, Object>> intervals = db.sql("select * from running_interval where pod_uid = :pod")
                    .bind("pod", pod.getMetadata().getUid()).fetch().all().collectList().block();
            assertThat(intervals).as(pod.getMetadata().getName()).hasSize(1);
            assertThat(((java.time.OffsetDateTime) intervals.getFirst().get("ended_at")).toInstant())
                    .isEqualTo(Instant.parse(terminated.getFinishedAt()));
        }
    }

    private void submit(WebTestClient api, String team, Map<String, Object> job) {
        api.post().uri("/api/v1/teams/{team}/jobs", team).headers(h -> h.setBearerAuth(token("alice")))
                .bodyValue(job).exchange().expectStatus().isCreated();
    }

    private JsonNode detail(WebTestClient api, String team, String name) {
        return api.get().uri("/api/v1/teams/{team}/workloads/{name}", team, name)
                .headers(h -> h.setBearerAuth(token("alice"))).exchange().expectStatus().isEqualTo(HttpStatus.OK)
                .expectBody(JsonNode.class).returnResult().getResponseBody();
    }

    private JsonNode awaitPhase(WebTestClient api, String team, String name, String phase) {
        return await(name + " " + phase, () -> detail(api, team, name), detail -> phase.equals(
                detail.path("workload").path("status").path("phase").asString()), Duration.ofSeconds(120));
    }

    private void awaitStage(WebTestClient api, String team, String name, String stage) {
        await(name + " " + stage, () -> detail(api, team, name), detail -> stage.equals(
                detail.path("workload").path("status").path("stage").asString()), Duration.ofSeconds(120));
    }

    private String jobUid(String team, String name) {
        return kubernetes().batch().v1().jobs().inNamespace("team-" + team).withName(name).get().getMetadata().getUid();
    }

    private boolean jobDone(String team, String name) {
        var job = kubernetes().batch().v1().jobs().inNamespace("team-" + team).withName(name).get();
        return job.getStatus() != null && job.getStatus().getSucceeded() != null && job.getStatus().getSucceeded() > 0;
    }

    private UUID insertRowWithoutObjects(String team, String name) {
        UUID id = UUID.randomUUID();
        db.sql("""
                        insert into workload (id, team_slug, name, kind, owner_subject, owner_username, spec, desired)
                        values (:id, :team, :name, 'job', :subject, 'alice', cast(:spec as jsonb), 'running')""")
                .bind("id", id).bind("team", team).bind("name", name).bind("subject", subjectOf("alice"))
                .bind("spec", """
                        {"image": "quay.io/jupyter/scipy-notebook:2025-11-10", "imageId": "scipy", "cpu": "1",
                         "memory": "1Gi", "gpuType": null, "gpus": 0, "workspaceSize": null, "command": ["true"],
                         "args": [], "env": [], "maxRuntimeSeconds": 600, "retries": 0, "priority": "normal",
                         "annotations": {"sim.portal.ai/duration": "1s"}}""")
                .then().block();
        return id;
    }

    private long historyRows(String team, String name) {
        return count("select count(*) as n from workload_event e join workload w on w.id = e.workload_id"
                + " where w.team_slug = :team and w.name = :name", team, name, null);
    }

    private long phaseRows(String team, String name, String phase) {
        return count("select count(*) as n from workload_event e join workload w on w.id = e.workload_id"
                + " where w.team_slug = :team and w.name = :name and e.type = 'phase' and e.phase = :x", team, name,
                phase);
    }

    private long typeRows(String team, String name, String type) {
        return count("select count(*) as n from workload_event e join workload w on w.id = e.workload_id"
                + " where w.team_slug = :team and w.name = :name and e.type = :x", team, name, type);
    }

    private long count(String sql, String team, String name, String extra) {
        var spec = db.sql(sql).bind("team", team).bind("name", name);
        if (extra != null) {
            spec = spec.bind("x", extra);
        }
        return spec.map(row -> row.get("n", Long.class)).one().block();
    }
}
