package ai.portal.jobs.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import ai.portal.jobs.KueueTestSupport;
import ai.portal.jobs.TeamQueues;
import ai.portal.jobs.TeamQueues.PrivateGpus;
import io.fabric8.kubernetes.api.model.Pod;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import tools.jackson.databind.JsonNode;

/**
 * Notebooks on the local cluster with Kueue: launch → Running on a node of the chosen GPU type → stop → start with
 * the same workspace → delete (workspace kept unless asked); a notebook that would not start now is refused at
 * once with the reason, and {@code max-notebooks} is enforced.
 */
class NotebookLifecycleTest extends KueueTestSupport {

    private PrivateGpus gpus;

    @AfterEach
    void removeNodes() {
        if (gpus != null) {
            TeamQueues.deleteNodes(kubernetes(), gpus);
        }
    }

    static Map<String, Object> notebook(String name, int gpus) {
        return notebook(name, A100, gpus);
    }

    static Map<String, Object> notebook(String name, String gpuType, int gpus) {
        return gpus == 0 ? Map.of("name", name, "image", SIMULATED_IMAGE, "cpu", "1", "memory", "2Gi")
                : Map.of("name", name, "image", SIMULATED_IMAGE, "cpu", "1", "memory", "2Gi", "gpuType", gpuType,
                "gpus", gpus, "workspaceSize", "5Gi");
    }

    @Test
    void launchRunsOnTheChosenGpuTypeStopStartKeepsTheWorkspaceDeleteKeepsItUnlessAsked() {
        String team = teamWithQuota("nb", "alice", Map.of(A100, 2), 2, false);
        String ns = "team-" + team;
        JsonNode created = json(send("alice", HttpMethod.POST, "/api/v1/teams/{team}/notebooks", notebook("lab", 1),
                team), HttpStatus.CREATED);
        assertThat(created.path("url").asString()).isEqualTo("/notebooks/" + team + "/lab/");
        assertThat(created.path("spec").path("image").asString())
                .isEqualTo("registry.invalid/portal-tests/simulated:1");

        JsonNode running = awaitPhase(team, "lab", "Running");
        String node = running.path("workload").path("status").path("node").asString();
        assertThat(kubernetes().nodes().withName(node).get().getMetadata().getLabels())
                .containsEntry("nvidia.com/gpu.product", A100);
        Pod pod = kubernetes().pods().inNamespace(ns).withName("lab-0").get();
        assertThat(pod.getMetadata().getLabels()).containsEntry("portal.ai/workload", "lab")
                .containsEntry("portal.ai/owner", subjectOf("alice"));
        assertThat(notebookToken(ns, "lab")).matches("[0-9a-f]{64}");
        String claimUid = kubernetes().persistentVolumeClaims().inNamespace(ns).withName("lab-workspace").get()
                .getMetadata().getUid();
        await("the admission in the notebook's history", () -> workload(team, "lab").path("history"),
                history -> history.findValuesAsString("type").contains("admitted"), java.time.Duration.ofSeconds(30));

        json(send("alice", HttpMethod.POST, "/api/v1/teams/{team}/notebooks/lab/stop", null, team), HttpStatus.OK);
        awaitPhase(team, "lab", "Stopped");
        awaitTrue("the notebook's pod to be gone", () -> kubernetes().pods().inNamespace(ns).withName("lab-0").get()
                == null);
        assertThat(kubernetes().persistentVolumeClaims().inNamespace(ns).withName("lab-workspace").get()
                .getMetadata().getUid()).isEqualTo(claimUid);

        json(send("alice", HttpMethod.POST, "/api/v1/teams/{team}/notebooks/lab/start", null, team), HttpStatus.OK);
        awaitPhase(team, "lab", "Running");
        assertThat(kubernetes().persistentVolumeClaims().inNamespace(ns).withName("lab-workspace").get()
                .getMetadata().getUid()).isEqualTo(claimUid);

        send("alice", HttpMethod.DELETE, "/api/v1/teams/{team}/notebooks/lab", null, team).expectStatus()
                .isNoContent();
        get("alice", "/api/v1/teams/{team}/notebooks/lab", team).expectStatus().isNotFound();
        awaitTrue("the StatefulSet to be gone", () -> kubernetes().apps().statefulSets().inNamespace(ns)
                .withName("lab").get() == null);
        assertThat(kubernetes().persistentVolumeClaims().inNamespace(ns).withName("lab-workspace").get()
                .getMetadata().getUid()).isEqualTo(claimUid);

        // the same name again gets the kept workspace back; deleting with the workspace removes it
        json(send("alice", HttpMethod.POST, "/api/v1/teams/{team}/notebooks", notebook("lab", 1), team),
                HttpStatus.CREATED);
        assertThat(kubernetes().persistentVolumeClaims().inNamespace(ns).withName("lab-workspace").get()
                .getMetadata().getUid()).isEqualTo(claimUid);
        send("alice", HttpMethod.DELETE, "/api/v1/teams/{team}/notebooks/lab?deleteWorkspace=true", null, team)
                .expectStatus().isNoContent();
        awaitTrue("the workspace claim to be gone", () -> {
            var claim = kubernetes().persistentVolumeClaims().inNamespace(ns).withName("lab-workspace").get();
            return claim == null || claim.getMetadata().getDeletionTimestamp() != null;
        });
        for (String action : new String[] {"notebook.create", "notebook.stop", "notebook.start", "notebook.delete"}) {
            assertThat(auditRows(team, action)).as(action)
                    .anySatisfy(row -> assertThat(row.get("outcome")).isEqualTo("success"));
        }
    }

    @Test
    void aNotebookThatWouldNotStartNowIsRefusedAtOnceWithTheReason() {
        // a GPU type of the test's own: no other team's idle quota of it could be borrowed
        gpus = TeamQueues.privateNodes(kubernetes(), 1, 2);
        String type = gpus.gpuType();
        String team = teamWithQuota("nbq", "alice", Map.of(type, 1), 2, false);
        json(send("alice", HttpMethod.POST, "/api/v1/teams/{team}/notebooks", notebook("first", type, 1), team),
                HttpStatus.CREATED);
        awaitPhase(team, "first", "Running");

        JsonNode check = json(send("alice", HttpMethod.POST, "/api/v1/teams/{team}/notebooks?dryRun=true",
                notebook("second", type, 1), team), HttpStatus.OK);
        assertThat(check.path("possible").asBoolean()).isTrue();
        assertThat(check.path("startsNow").asBoolean()).isFalse();
        JsonNode refused = expectProblem(send("alice", HttpMethod.POST, "/api/v1/teams/{team}/notebooks",
                notebook("second", type, 1), team), HttpStatus.CONFLICT, "gpus");
        assertThat(refused.path("code").asString()).isEqualTo("team-quota-full");
        assertThat(refused.path("detail").asString()).contains("is using 1 of 1 ");
        get("alice", "/api/v1/teams/{team}/notebooks/second", team).expectStatus().isNotFound();
        assertThat(kubernetes().apps().statefulSets().inNamespace("team-" + team).withName("second").get()).isNull();

        JsonNode capacity = json(get("alice", "/api/v1/teams/{team}/capacity", team), HttpStatus.OK);
        JsonNode ofType = null;
        for (JsonNode entry : capacity.path("gpus")) {
            if (type.equals(entry.path("gpuType").asString())) {
                ofType = entry;
            }
        }
        assertThat(ofType.path("quota").asInt()).isEqualTo(1);
        assertThat(ofType.path("used").asInt()).isEqualTo(1);
        assertThat(ofType.path("maxStartableNow").asInt()).isZero();
        assertThat(capacity.path("notebooks").path("running").asInt()).isEqualTo(1);
        // the launch dialogs offer the placements the platform allows, the default first chosen
        assertThat(capacity.path("scheduling").path("defaultScheduler").asString()).isEqualTo("default-scheduler");
        assertThat(capacity.path("scheduling").path("allowed").toString())
                .isEqualTo("[\"default-scheduler\",\"gpu-fit\"]");

        // CPU-only notebooks count against max-notebooks (2)
        json(send("alice", HttpMethod.POST, "/api/v1/teams/{team}/notebooks", notebook("cpu1", 0), team),
                HttpStatus.CREATED);
        JsonNode tooMany = expectProblem(send("alice", HttpMethod.POST, "/api/v1/teams/{team}/notebooks",
                notebook("cpu2", 0), team), HttpStatus.CONFLICT, "name");
        assertThat(tooMany.path("code").asString()).isEqualTo("max-notebooks");
        assertThat(auditRows(team, "notebook.create")).filteredOn(row -> "rejected".equals(row.get("outcome")))
                .hasSize(2);
    }
}
