package ai.portal.tenant.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.http.HttpMethod.POST;
import static org.springframework.http.HttpMethod.PUT;

import java.util.Map;

import ai.portal.tenant.TenantApiTestSupport;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpStatus;
import tools.jackson.databind.JsonNode;

/** Quotas per resource and GPU type: validation, their effect on the namespace, usage, and quota requests. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class QuotaApiTest extends TenantApiTestSupport {

    private static final String A100 = "NVIDIA-A100-SXM4-80GB";
    private static final String H100 = "NVIDIA-H100-80GB-HBM3";

    @Autowired
    KubernetesClient kubernetes;

    @Test
    void adminSetsQuotaPerGpuTypeAndTheNamespaceQuotaFollows() {
        String slug = newSlug("quota");
        createTeam(slug, "carol");
        send("admin", PUT, "/api/v1/teams/{slug}/quota", quota("32", "128Gi", Map.of(A100, 4, H100, 8)), slug)
                .expectStatus().isOk()
                .expectBody().jsonPath("$.gpus['" + A100 + "']").isEqualTo(4);

        ResourceQuota applied = kubernetes.resourceQuotas().inNamespace("team-" + slug).withName("team-quota")
                .waitUntilCondition(q -> q != null && new Quantity("12").equals(q.getSpec().getHard().get("requests.nvidia.com/gpu")),
                        90, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(applied.getSpec().getHard().get("requests.cpu")).isEqualTo(new Quantity("32"));
        get("carol", "/api/v1/teams/{slug}/quota", slug).expectStatus().isOk()
                .expectBody().jsonPath("$.gpus['" + H100 + "']").isEqualTo(8).jsonPath("$.memory").isEqualTo("128Gi");
    }

    @Test
    void rejectsBadQuotasNamingTheFieldAndKeepsTheOldOne() {
        String slug = newSlug("badquota");
        createTeam(slug, "carol");
        expectProblem(send("admin", PUT, "/api/v1/teams/{slug}/quota", quota("-4", "1Gi", Map.of()), slug),
                HttpStatus.BAD_REQUEST, "cpu");
        expectProblem(send("admin", PUT, "/api/v1/teams/{slug}/quota", quota("8", "12 gigs", Map.of()), slug),
                HttpStatus.BAD_REQUEST, "memory");
        expectProblem(send("admin", PUT, "/api/v1/teams/{slug}/quota", quota("8", "5000Pi", Map.of()), slug),
                HttpStatus.BAD_REQUEST, "memory");
        expectProblem(send("admin", PUT, "/api/v1/teams/{slug}/quota", quota("8", "1Gi", Map.of("GeForce-Toaster", 2)),
                slug), HttpStatus.BAD_REQUEST, "gpus.GeForce-Toaster");
        expectProblem(send("admin", PUT, "/api/v1/teams/{slug}/quota", quota("8", "1Gi", Map.of(A100, -1)), slug),
                HttpStatus.BAD_REQUEST, "gpus." + A100);
        get("admin", "/api/v1/teams/{slug}/quota", slug).expectStatus().isOk()
                .expectBody().jsonPath("$.cpu").isEqualTo("8").jsonPath("$.memory").isEqualTo("32Gi");
    }

    @Test
    void onlyPlatformAdminsSetQuotas() {
        String slug = newSlug("ownquota");
        createTeam(slug, "carol");
        expectProblem(send("carol", PUT, "/api/v1/teams/{slug}/quota", quota("999", "1Ti", Map.of(A100, 32)), slug),
                HttpStatus.FORBIDDEN, null);
    }

    @Test
    void quotaBelowCurrentUsageNeedsForce() {
        String slug = newSlug("usage");
        createTeam(slug, "carol");
        awaitPhase(slug, "Ready");
        kubernetes.pods().inNamespace("team-" + slug).resource(cpuPod("busy", "2")).create();
        kubernetes.resourceQuotas().inNamespace("team-" + slug).withName("team-quota").waitUntilCondition(
                q -> q.getStatus() != null && q.getStatus().getUsed() != null
                        && new Quantity("2").equals(q.getStatus().getUsed().get("requests.cpu")),
                60, java.util.concurrent.TimeUnit.SECONDS);

        get("carol", "/api/v1/teams/{slug}/quota/usage", slug).expectStatus().isOk()
                .expectBody().jsonPath("$.resources[?(@.resource == 'requests.cpu')].used").isEqualTo(java.util.List.of("2"));
        expectProblem(send("admin", PUT, "/api/v1/teams/{slug}/quota", quota("1", "32Gi", Map.of()), slug),
                HttpStatus.CONFLICT, null);
        send("admin", PUT, "/api/v1/teams/{slug}/quota?force=true", quota("1", "32Gi", Map.of()), slug)
                .expectStatus().isOk();
    }

    @Test
    void memberAsksForMoreQuotaAndAdminApproves() {
        String slug = newSlug("ask");
        createTeam(slug, "carol");
        addMember(slug, "alice", "member");
        JsonNode request = send("alice", POST, "/api/v1/teams/{slug}/quota-requests",
                Map.of("quota", quota("64", "256Gi", Map.of(A100, 4)), "reason", "Fine-tuning needs A100s"), slug)
                .expectStatus().isCreated().expectBody(JsonNode.class).returnResult().getResponseBody();
        long id = request.path("id").asLong();
        assertThat(request.path("status").asString()).isEqualTo("pending");

        get("admin", "/api/v1/quota-requests").expectStatus().isOk()
                .expectBody().jsonPath("$[?(@.id == " + id + ")].requestedBy").isEqualTo(java.util.List.of("alice"));
        expectProblem(send("alice", POST, "/api/v1/quota-requests/{id}/approve", Map.of(), id), HttpStatus.FORBIDDEN, null);
        send("admin", POST, "/api/v1/quota-requests/{id}/approve", Map.of("reason", "ok for Q3"), id)
                .expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("approved");
        expectProblem(send("admin", POST, "/api/v1/quota-requests/{id}/reject", Map.of("reason", "late"), id),
                HttpStatus.CONFLICT, null);

        get("carol", "/api/v1/teams/{slug}/quota", slug).expectStatus().isOk()
                .expectBody().jsonPath("$.cpu").isEqualTo("64").jsonPath("$.gpus['" + A100 + "']").isEqualTo(4);
        get("alice", "/api/v1/teams/{slug}/quota-requests", slug).expectStatus().isOk()
                .expectBody().jsonPath("$[0].status").isEqualTo("approved").jsonPath("$[0].decidedBy").isEqualTo("admin");
    }

    @Test
    void rejectingNeedsAReasonThatTheRequesterSees() {
        String slug = newSlug("deny");
        createTeam(slug, "carol");
        long id = send("carol", POST, "/api/v1/teams/{slug}/quota-requests",
                Map.of("quota", quota("512", "2Ti", Map.of(H100, 32)), "reason", "Pretraining"), slug)
                .expectStatus().isCreated().expectBody(JsonNode.class).returnResult().getResponseBody().path("id").asLong();
        expectProblem(send("admin", POST, "/api/v1/quota-requests/{id}/reject", Map.of(), id), HttpStatus.BAD_REQUEST,
                "reason");
        send("admin", POST, "/api/v1/quota-requests/{id}/reject", Map.of("reason", "No H100s free this quarter"), id)
                .expectStatus().isOk();
        get("carol", "/api/v1/teams/{slug}/quota-requests", slug).expectStatus().isOk()
                .expectBody().jsonPath("$[0].status").isEqualTo("rejected")
                .jsonPath("$[0].decisionReason").isEqualTo("No H100s free this quarter");
        get("carol", "/api/v1/teams/{slug}/quota", slug).expectStatus().isOk().expectBody().jsonPath("$.cpu").isEqualTo("8");
    }

    @Test
    void gpuTypeCatalogueIsCheckedAgainstTheClustersNodes() {
        get("alice", "/api/v1/gpu-types").expectStatus().isOk()
                .expectBody().jsonPath("$[?(@.name == '" + A100 + "')].capacity").value(capacity ->
                        assertThat(capacity.toString()).doesNotContain("[0]"));
        expectProblem(send("admin", POST, "/api/v1/gpu-types",
                Map.of("name", "NVIDIA-B200", "displayName", "B200", "memoryGib", 192)), HttpStatus.BAD_REQUEST, "name");
        expectProblem(send("alice", POST, "/api/v1/gpu-types?force=true",
                Map.of("name", "NVIDIA-B200", "displayName", "B200")), HttpStatus.FORBIDDEN, null);
    }

    static Map<String, Object> quota(String cpu, String memory, Map<String, Integer> gpus) {
        return Map.of("cpu", cpu, "memory", memory, "storage", "200Gi", "pvcs", 10, "maxNotebooks", 2, "gpus", gpus);
    }

    /** A pod that Pod Security "restricted" admits, asking for {@code cpu} cores. */
    static Pod cpuPod(String name, String cpu) {
        return new PodBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec()
                .withNewSecurityContext().withRunAsNonRoot(true).withRunAsUser(1000L)
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile().endSecurityContext()
                .addNewContainer().withName("work").withImage("busybox")
                .withNewSecurityContext().withAllowPrivilegeEscalation(false)
                .withNewCapabilities().withDrop("ALL").endCapabilities().endSecurityContext()
                .withNewResources().addToRequests("cpu", new Quantity(cpu)).addToRequests("memory", new Quantity("1Gi"))
                .addToLimits("memory", new Quantity("1Gi")).endResources()
                .endContainer()
                .endSpec().build();
    }

}
