package ai.portal.jobs.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import ai.portal.jobs.KueueTestSupport;
import ai.portal.jobs.cluster.ClusterState;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import tools.jackson.databind.JsonNode;

/**
 * A notebook that asks far more than it uses: its VerticalPodAutoscaler (recommendation mode only) is written beside
 * it, the cluster's real VPA recommender fills in what the container needs from its measured usage (the node
 * agent's kubelet metrics, through Prometheus and the metrics API), and the notebook's detail says so, with the most
 * it used from Prometheus beside it; applying
 * the recommendation restarts it with those requests; deleting the notebook deletes its VPA.
 */
class RightSizingTest extends KueueTestSupport {

    @Test
    void aNotebookThatAsksFarMoreThanItUsesGetsARecommendationBelowItsRequest() {
        String team = teamWithQuota("rs", "alice", Map.of(), 1, false);
        String ns = "team-" + team;
        // a simulated container uses a tenth of the CPU it asks for (sim.portal.ai/cpu-usage unset)
        json(send("alice", HttpMethod.POST, "/api/v1/teams/{team}/notebooks", Map.of("name", "big",
                "image", SIMULATED_IMAGE, "cpu", "2", "memory", "4Gi"), team), HttpStatus.CREATED);

        GenericKubernetesResource vpa = await("the notebook's VerticalPodAutoscaler", () -> kubernetes()
                .genericKubernetesResources(ClusterState.RIGHT_SIZERS).inNamespace(ns).withName("big").get(),
                found -> found != null, Duration.ofSeconds(60));
        assertThat(vpa.getMetadata().getLabels()).containsEntry("portal.ai/instance", instance());
        assertThat(vpa.getAdditionalProperties().get("spec").toString())
                .contains("updateMode=Off").contains("kind=StatefulSet").contains("name=big");
        // nothing measured yet: no pod has run long enough to be scraped
        assertThat(json(get("alice", "/api/v1/teams/{team}/workloads/big", team), HttpStatus.OK)
                .path("rightSizing").path("state").asString()).isEqualTo("collecting");

        JsonNode sizing = await("the VPA recommender's recommendation in the notebook's detail", () -> json(
                        get("alice", "/api/v1/teams/{team}/workloads/big", team), HttpStatus.OK).path("rightSizing"),
                found -> "ready".equals(found.path("state").asString()), Duration.ofSeconds(240));
        assertThat(sizing.path("samples").asInt()).as("measured usage behind it").isPositive();
        assertThat(sizing.path("measuredSince").asString()).isNotBlank();
        JsonNode cpu = sizing.path("resources").get(0);
        assertThat(cpu.path("name").asString()).isEqualTo("cpu");
        assertThat(cpu.path("requested").asDouble()).isEqualTo(2.0);
        assertThat(cpu.path("target").asDouble()).as(sizing.toString()).isLessThan(1.0).isPositive();
        assertThat(cpu.path("upperBound").asDouble()).isGreaterThanOrEqualTo(cpu.path("target").asDouble());
        JsonNode memory = sizing.path("resources").get(1);
        assertThat(memory.path("name").asString()).isEqualTo("memory");
        assertThat(memory.path("requested").asDouble()).isEqualTo(4.0 * (1L << 30));

        // beside it, the most the container used since it started (Prometheus, the kubelet's metrics): far below the
        // 2 CPUs and 4 GiB it asks for
        JsonNode peak = await("the notebook's peak usage from Prometheus", () -> json(
                        get("alice", "/api/v1/teams/{team}/workloads/big", team), HttpStatus.OK).path("peakUsage"),
                found -> found.path("cpu").isNumber() && found.path("memory").isNumber(), Duration.ofSeconds(120));
        assertThat(peak.path("cpu").asDouble()).as(peak.toString()).isPositive().isLessThan(1.0);
        assertThat(peak.path("memory").asDouble()).as(peak.toString()).isPositive().isLessThan(4.0 * (1L << 30));
        assertThat(Instant.parse(peak.path("since").asString())).isBefore(Instant.parse(peak.path("until").asString()));

        // applied on a click: the notebook restarts asking for the recommendation (rounded up), its workspace kept
        String resize = "/api/v1/teams/{team}/notebooks/big/resize";
        expectProblem(send("alice", HttpMethod.POST, resize, Map.of("cpu", "lots", "memory", "2Gi"), team),
                HttpStatus.BAD_REQUEST, "cpu");
        String cpuRecommended = (int) Math.ceil(cpu.path("target").asDouble() * 100) * 10 + "m";
        String memoryRecommended = (long) Math.ceil(memory.path("target").asDouble() / (1 << 20)) + "Mi";
        json(send("alice", HttpMethod.POST, resize, Map.of("cpu", cpuRecommended, "memory", memoryRecommended),
                team), HttpStatus.OK);
        awaitTrue("big running again with the recommended requests", () -> {
            var pod = kubernetes().pods().inNamespace(ns).withName("big-0").get();
            return pod != null && "Running".equals(pod.getStatus().getPhase()) && pod.getMetadata()
                    .getDeletionTimestamp() == null && new io.fabric8.kubernetes.api.model.Quantity(cpuRecommended)
                    .equals(pod.getSpec().getContainers().getFirst().getResources().getRequests().get("cpu"));
        });
        assertThat(json(get("alice", "/api/v1/teams/{team}/workloads/big", team), HttpStatus.OK)
                .path("workload").path("spec").path("memory").asString()).isEqualTo(memoryRecommended);
        assertThat(auditRows(team, "notebook.resize")).anySatisfy(row -> {
            assertThat(row.get("outcome")).isEqualTo("success");
            assertThat(String.valueOf(row.get("after"))).contains(cpuRecommended);
        });

        send("alice", HttpMethod.DELETE, "/api/v1/teams/{team}/notebooks/big?deleteWorkspace=true", null, team)
                .expectStatus().is2xxSuccessful();
        awaitTrue("the notebook's VPA deleted with it", () -> kubernetes()
                .genericKubernetesResources(ClusterState.RIGHT_SIZERS).inNamespace(ns).withName("big").get() == null);
    }
}
