package ai.portal.tenant.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import ai.portal.platform.team.TeamRole;
import ai.portal.tenant.domain.Member;
import ai.portal.tenant.domain.Quota;
import ai.portal.tenant.domain.TeamSnapshot;
import ai.portal.tenant.domain.TeamState;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import org.junit.jupiter.api.Test;

/** The Kueue model alone: no cluster, every flavor, queue, quota and label checked. */
class KueueResourcesTest {

    static final String INSTANCE = "prod-a1";
    static final List<String> CATALOGUE = List.of("NVIDIA-H100-80GB-HBM3", "NVIDIA-A100-SXM4-80GB", "Tesla-T4");
    static final Quota QUOTA = new Quota("32", "256Gi", "1Ti", 20, 4, Map.of("NVIDIA-A100-SXM4-80GB", 4));
    static final KueueProperties NO_BORROWING = new KueueProperties(true, false, 8);
    static final KueueProperties BORROWING = new KueueProperties(true, true, 6);

    static TeamSnapshot team(TeamState state) {
        return new TeamSnapshot("vision", "Vision", "", state, QUOTA,
                List.of(new Member("sub-1", "alice", TeamRole.OWNER)), CATALOGUE);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object value) {
        return (List<Object>) value;
    }

    static Map<String, Object> spec(GenericKubernetesResource object) {
        return map(object.getAdditionalProperties().get("spec"));
    }

    @Test
    void theInstallationHasADefaultFlavorAFlavorPerGpuTypeAndThreePriorities() {
        List<GenericKubernetesResource> objects = KueueResources.installation(INSTANCE, CATALOGUE);

        assertThat(objects).extracting(o -> o.getKind() + "/" + o.getMetadata().getName()).containsExactly(
                "ResourceFlavor/prod-a1-default",
                "ResourceFlavor/prod-a1-nvidia-h100-80gb-hbm3",
                "ResourceFlavor/prod-a1-nvidia-a100-sxm4-80gb",
                "ResourceFlavor/prod-a1-tesla-t4",
                "WorkloadPriorityClass/prod-a1-low",
                "WorkloadPriorityClass/prod-a1-normal",
                "WorkloadPriorityClass/prod-a1-high");
        assertThat(objects).allSatisfy(o -> {
            assertThat(o.getApiVersion()).isEqualTo("kueue.x-k8s.io/v1beta2");
            assertThat(o.getMetadata().getNamespace()).isNull();
            assertThat(o.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "ai-portal")
                    .containsEntry("portal.ai/instance", INSTANCE);
        });
        assertThat(spec(objects.get(0))).isEmpty();
        Map<String, Object> a100 = spec(objects.get(2));
        assertThat(map(a100.get("nodeLabels"))).containsExactly(Map.entry("nvidia.com/gpu.product",
                "NVIDIA-A100-SXM4-80GB"));
        assertThat(list(a100.get("tolerations"))).containsExactly(Map.of("key", "nvidia.com/gpu",
                "operator", "Equal", "value", "present", "effect", "NoSchedule"));
        assertThat(objects.subList(4, 7)).extracting(o -> o.getAdditionalProperties().get("value"))
                .containsExactly(1000, 2000, 3000);
    }

    @Test
    void theTeamsClusterQueueAdmitsOnlyItsNamespaceWithItsQuotaPerFlavor() {
        List<GenericKubernetesResource> objects = KueueResources.team(INSTANCE, team(TeamState.ACTIVE), NO_BORROWING);

        GenericKubernetesResource queue = objects.get(0);
        assertThat(queue.getKind()).isEqualTo("ClusterQueue");
        assertThat(queue.getMetadata().getName()).isEqualTo("prod-a1-team-vision");
        assertThat(queue.getMetadata().getLabels()).containsEntry("portal.ai/instance", INSTANCE)
                .containsEntry("portal.ai/team", "vision");
        Map<String, Object> spec = spec(queue);
        assertThat(spec).doesNotContainKey("cohortName");
        assertThat(spec.get("namespaceSelector"))
                .isEqualTo(Map.of("matchLabels", Map.of("kubernetes.io/metadata.name", "team-vision")));
        assertThat(spec).containsEntry("queueingStrategy", "BestEffortFIFO").containsEntry("stopPolicy", "None")
                .containsEntry("preemption", Map.of("reclaimWithinCohort", "Any", "withinClusterQueue", "LowerPriority"));
        List<Object> groups = list(spec.get("resourceGroups"));
        assertThat(groups).containsExactly(
                Map.of("coveredResources", List.of("cpu", "memory", "ephemeral-storage"), "flavors", List.of(Map.of(
                        "name", "prod-a1-default", "resources", List.of(
                                Map.of("name", "cpu", "nominalQuota", "32"),
                                Map.of("name", "memory", "nominalQuota", "256Gi"),
                                // every team's, as its ResourceQuota's requests.ephemeral-storage
                                Map.of("name", "ephemeral-storage", "nominalQuota", "500Gi"))))),
                Map.of("coveredResources", List.of("nvidia.com/gpu"), "flavors", List.of(
                        Map.of("name", "prod-a1-nvidia-h100-80gb-hbm3", "resources",
                                List.of(Map.of("name", "nvidia.com/gpu", "nominalQuota", "0"))),
                        Map.of("name", "prod-a1-nvidia-a100-sxm4-80gb", "resources",
                                List.of(Map.of("name", "nvidia.com/gpu", "nominalQuota", "4"))),
                        Map.of("name", "prod-a1-tesla-t4", "resources",
                                List.of(Map.of("name", "nvidia.com/gpu", "nominalQuota", "0"))))));

        GenericKubernetesResource local = objects.get(1);
        assertThat(local.getKind()).isEqualTo("LocalQueue");
        assertThat(local.getMetadata().getName()).isEqualTo("team");
        assertThat(local.getMetadata().getNamespace()).isEqualTo("team-vision");
        assertThat(spec(local)).containsExactly(Map.entry("clusterQueue", "prod-a1-team-vision"));
    }

    @Test
    void theQueuesEphemeralStorageIsTheTeamsConfiguredQuota() {
        var provisioning = new ProvisioningProperties(true, "fm", "ai-portal", "monitoring", "kube-system", "oidc:",
                ProvisioningProperties.ServiceAccounts.NONE, ProvisioningProperties.ContainerDefaults.DEFAULT,
                new ProvisioningProperties.EphemeralStorage("50Gi", "80Gi", "512Mi", "2Gi", "40Gi"), 100, List.of(),
                true);
        Map<String, Object> spec = spec(KueueResources.team(INSTANCE, team(TeamState.ACTIVE), NO_BORROWING,
                provisioning).get(0));

        Map<String, Object> defaultFlavor = map(list(map(list(spec.get("resourceGroups")).get(0)).get("flavors")).get(0));
        assertThat(list(defaultFlavor.get("resources")))
                .contains(Map.of("name", "ephemeral-storage", "nominalQuota", "50Gi"));
    }

    @Test
    void withBorrowingTheQueueJoinsTheInstallationsCohortAndMayBorrowGpusOnly() {
        Map<String, Object> spec = spec(KueueResources.team(INSTANCE, team(TeamState.ACTIVE), BORROWING).get(0));

        assertThat(spec).containsEntry("cohortName", INSTANCE);
        List<Object> groups = list(spec.get("resourceGroups"));
        Map<String, Object> cpuAndMemory = map(list(map(groups.get(0)).get("flavors")).get(0));
        assertThat(list(cpuAndMemory.get("resources"))).allSatisfy(resource ->
                assertThat(map(resource)).containsEntry("borrowingLimit", "0").containsEntry("lendingLimit", "0"));
        List<Object> gpuFlavors = list(map(groups.get(1)).get("flavors"));
        assertThat(gpuFlavors).allSatisfy(flavor -> assertThat(map(list(map(flavor).get("resources")).get(0)))
                .containsEntry("borrowingLimit", "6").doesNotContainKey("lendingLimit"));
    }

    @Test
    void anArchivedTeamsQueueHoldsNewWorkloads() {
        assertThat(spec(KueueResources.team(INSTANCE, team(TeamState.ARCHIVED), NO_BORROWING).get(0)))
                .containsEntry("stopPolicy", "Hold");
    }

    @Test
    void aCatalogueWithoutGpuTypesGivesACpuOnlyQueue() {
        TeamSnapshot cpuOnly = new TeamSnapshot("vision", "Vision", "", TeamState.ACTIVE, Quota.DEFAULT, List.of(),
                List.of());

        assertThat(list(spec(KueueResources.team(INSTANCE, cpuOnly, NO_BORROWING).get(0)).get("resourceGroups")))
                .hasSize(1);
        assertThat(KueueResources.installation(INSTANCE, List.of()))
                .extracting(o -> o.getMetadata().getName()).contains("prod-a1-default").hasSize(4);
    }

    @Test
    void theSameTeamAlwaysGivesEqualObjects() {
        assertThat(KueueResources.team(INSTANCE, team(TeamState.ACTIVE), BORROWING))
                .isEqualTo(KueueResources.team(INSTANCE, team(TeamState.ACTIVE), BORROWING));
        assertThat(KueueResources.installation(INSTANCE, CATALOGUE))
                .isEqualTo(KueueResources.installation(INSTANCE, CATALOGUE));
    }
}
