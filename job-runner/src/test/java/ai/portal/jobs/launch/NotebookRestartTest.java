package ai.portal.jobs.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import ai.portal.jobs.KueueTestSupport;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;

/**
 * A notebook stopped and started again at once, several times in a row, as a user clicking Stop then Start does:
 * each start runs it again (Kueue admits the StatefulSet's new pod group), and each stop frees its GPU.
 */
class NotebookRestartTest extends KueueTestSupport {

    private static final ResourceDefinitionContext WORKLOADS = new ResourceDefinitionContext.Builder()
            .withGroup("kueue.x-k8s.io").withVersion("v1beta2").withKind("Workload").withPlural("workloads")
            .withNamespaced(true).build();

    @Test
    void stopThenStartAtOnceRunsTheNotebookAgainEachTime() {
        String team = teamWithQuota("nbr", "alice", Map.of(A100, 1), 1, false);
        String ns = "team-" + team;
        json(send("alice", HttpMethod.POST, "/api/v1/teams/{team}/notebooks", NotebookLifecycleTest.notebook("lab",
                1), team), HttpStatus.CREATED);
        awaitPhase(team, "lab", "Running");
        for (int round = 1; round <= 3; round++) {
            json(send("alice", HttpMethod.POST, "/api/v1/teams/{team}/notebooks/lab/stop", null, team), HttpStatus.OK);
            awaitPhase(team, "lab", "Stopped");
            json(send("alice", HttpMethod.POST, "/api/v1/teams/{team}/notebooks/lab/start", null, team),
                    HttpStatus.OK);
            try {
                awaitPhase(team, "lab", "Running");
            } catch (AssertionError notRunning) {
                throw new AssertionError("round " + round + ": " + notRunning.getMessage() + "\nKueue's Workloads: "
                        + kubernetes().genericKubernetesResources(WORKLOADS).inNamespace(ns).list().getItems()
                        .stream().map(NotebookRestartTest::describe).toList(), notRunning);
            }
        }
        assertThat(kubernetes().pods().inNamespace(ns).withName("lab-0").get().getStatus().getPhase())
                .isEqualTo("Running");

        // once the team is deleted (its namespace with it), starting is refused plainly and stopping is all there is
        tenantClient.delete().uri("/api/v1/teams/{slug}?force=true", team)
                .headers(h -> h.setBearerAuth(token("admin"))).exchange().expectStatus().is2xxSuccessful();
        awaitTrue("team " + team + "'s namespace to go", () -> {
            var namespace = kubernetes().namespaces().withName(ns).get();
            return namespace == null || namespace.getMetadata().getDeletionTimestamp() != null;
        });
        awaitTrue("the job runner to see it go", () -> send("admin", HttpMethod.POST,
                "/api/v1/teams/{team}/notebooks/lab/start", null, team).returnResult(String.class).getStatus()
                .value() == 409);
        send("admin", HttpMethod.POST, "/api/v1/teams/{team}/notebooks/lab/stop", null, team).expectStatus().isOk();
        expectProblem(send("admin", HttpMethod.POST, "/api/v1/teams/{team}/notebooks/lab/start", null, team),
                HttpStatus.CONFLICT, null);
    }

    private static String describe(GenericKubernetesResource workload) {
        return workload.getMetadata().getName() + " owners=" + workload.getMetadata().getOwnerReferences().stream()
                .map(owner -> owner.getKind() + "/" + owner.getName()).toList() + " deleting="
                + (workload.getMetadata().getDeletionTimestamp() != null) + " status="
                + workload.getAdditionalProperties().get("status");
    }
}
