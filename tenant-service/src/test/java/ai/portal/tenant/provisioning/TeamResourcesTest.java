package ai.portal.tenant.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import ai.portal.platform.team.TeamRole;
import ai.portal.tenant.domain.Member;
import ai.portal.tenant.domain.Quota;
import ai.portal.tenant.domain.TeamSnapshot;
import ai.portal.tenant.domain.TeamState;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import org.junit.jupiter.api.Test;

/** The model alone: no cluster, every object, label and quantity checked. */
class TeamResourcesTest {

    static final ProvisioningProperties PROPS = ProvisioningProperties.defaults();
    static final String INSTANCE = "prod-a1";

    static TeamSnapshot team(TeamState state, Quota quota) {
        return new TeamSnapshot("vision", "Computer Vision", "CV research", state, quota,
                List.of(new Member("sub-1", "alice", TeamRole.OWNER), new Member("sub-2", "bob", TeamRole.VIEWER)));
    }

    static final Quota QUOTA = new Quota("32", "256Gi", "1Ti", 20, 4,
            Map.of("NVIDIA-H100-80GB-HBM3", 8, "NVIDIA-A100-SXM4-80GB", 4, "Tesla-T4", 2));

    static Map<String, HasMetadata> byName(List<HasMetadata> objects) {
        return objects.stream().collect(Collectors.toMap(o -> o.getKind() + "/" + o.getMetadata().getName(),
                Function.identity()));
    }

    @Test
    void desiresTheNamespaceFirstThenEveryObjectInIt() {
        List<HasMetadata> objects = TeamResources.desired(INSTANCE, team(TeamState.ACTIVE, QUOTA), PROPS);

        assertThat(objects.getFirst()).isInstanceOf(Namespace.class);
        assertThat(objects).extracting(o -> o.getKind() + "/" + o.getMetadata().getName()).containsExactly(
                "Namespace/team-vision", "ResourceQuota/team-quota", "LimitRange/team-defaults",
                "ServiceAccount/workload", "ServiceAccount/default", "Role/team-edit", "Role/team-view", "RoleBinding/team-edit",
                "RoleBinding/team-view", "Role/portal-job-runner", "RoleBinding/portal-job-runner",
                "Role/portal-logging-pipeline", "RoleBinding/portal-logging-pipeline", "NetworkPolicy/team-isolation");
        assertThat(objects.subList(1, objects.size())).allSatisfy(
                o -> assertThat(o.getMetadata().getNamespace()).isEqualTo("team-vision"));
    }

    @Test
    void labelsEveryObjectAsManagedByThisInstallationForTheTeam() {
        assertThat(TeamResources.desired(INSTANCE, team(TeamState.ACTIVE, QUOTA), PROPS)).allSatisfy(o ->
                assertThat(o.getMetadata().getLabels())
                        .containsEntry("app.kubernetes.io/managed-by", "ai-portal")
                        .containsEntry("portal.ai/instance", INSTANCE)
                        .containsEntry("portal.ai/team", "vision"));
    }

    @Test
    void enforcesPodSecurityRestrictedOnTheNamespace() {
        Namespace ns = (Namespace) TeamResources.desired(INSTANCE, team(TeamState.ACTIVE, QUOTA), PROPS).getFirst();

        assertThat(ns.getMetadata().getName()).isEqualTo("team-vision");
        assertThat(ns.getMetadata().getLabels())
                .containsEntry("pod-security.kubernetes.io/enforce", "restricted")
                .containsEntry("pod-security.kubernetes.io/warn", "restricted")
                .containsEntry("pod-security.kubernetes.io/audit", "restricted")
                .doesNotContainKey("portal.ai/archived");
        assertThat(ns.getMetadata().getAnnotations()).containsEntry("portal.ai/display-name", "Computer Vision");
    }

    @Test
    void labelsAnArchivedTeamsNamespaceAndKeepsItsQuota() {
        var active = byName(TeamResources.desired(INSTANCE, team(TeamState.ACTIVE, QUOTA), PROPS));
        var archived = byName(TeamResources.desired(INSTANCE, team(TeamState.ARCHIVED, QUOTA), PROPS));

        assertThat(archived.get("Namespace/team-vision").getMetadata().getLabels())
                .containsEntry("portal.ai/archived", "true");
        assertThat(archived.get("ResourceQuota/team-quota")).isEqualTo(active.get("ResourceQuota/team-quota"));
    }

    @Test
    void quotasTheSumOfAllGpuTypesAndEveryOtherResource() {
        var quota = (ResourceQuota) byName(TeamResources.desired(INSTANCE, team(TeamState.ACTIVE, QUOTA), PROPS))
                .get("ResourceQuota/team-quota");

        assertThat(quota.getSpec().getHard()).containsOnly(
                Map.entry("requests.cpu", new Quantity("32")),
                Map.entry("requests.memory", new Quantity("256Gi")),
                Map.entry("limits.memory", new Quantity("256Gi")),
                Map.entry("requests.storage", new Quantity("1Ti")),
                Map.entry("persistentvolumeclaims", new Quantity("20")),
                Map.entry("requests.ephemeral-storage", new Quantity("500Gi")),
                Map.entry("limits.ephemeral-storage", new Quantity("1Ti")),
                Map.entry("requests.nvidia.com/gpu", new Quantity("14")),
                Map.entry("pods", new Quantity("100")),
                Map.entry("services.loadbalancers", new Quantity("0")),
                Map.entry("services.nodeports", new Quantity("0")));
        assertThat(quota.getMetadata().getAnnotations())
                .containsEntry("portal.ai/gpu-quota",
                        "{\"NVIDIA-A100-SXM4-80GB\":4,\"NVIDIA-H100-80GB-HBM3\":8,\"Tesla-T4\":2}")
                .containsEntry("portal.ai/max-notebooks", "4");
    }

    @Test
    void quotasZeroGpusForATeamWithoutGpuQuota() {
        var quota = (ResourceQuota) byName(TeamResources.desired(INSTANCE, team(TeamState.ACTIVE, Quota.DEFAULT), PROPS))
                .get("ResourceQuota/team-quota");

        assertThat(quota.getSpec().getHard()).containsEntry("requests.nvidia.com/gpu", new Quantity("0"));
        assertThat(quota.getMetadata().getAnnotations()).containsEntry("portal.ai/gpu-quota", "{}");
    }

    @Test
    void givesContainersWithoutRequestsTheConfiguredDefaults() {
        var limits = (LimitRange) byName(TeamResources.desired(INSTANCE, team(TeamState.ACTIVE, QUOTA), PROPS))
                .get("LimitRange/team-defaults");

        var item = limits.getSpec().getLimits().getFirst();
        assertThat(item.getType()).isEqualTo("Container");
        assertThat(item.getDefaultRequest()).containsOnly(
                Map.entry("cpu", new Quantity("100m")), Map.entry("memory", new Quantity("256Mi")),
                Map.entry("ephemeral-storage", new Quantity("1Gi")));
        // without a configured CPU limit, a container's limit is its team's CPU, the most any container may have
        assertThat(item.getDefault()).containsOnly(Map.entry("cpu", new Quantity(QUOTA.cpu())),
                Map.entry("memory", new Quantity("1Gi")), Map.entry("ephemeral-storage", new Quantity("10Gi")));
        assertThat(item.getMax()).containsOnly(Map.entry("cpu", new Quantity(QUOTA.cpu())),
                Map.entry("ephemeral-storage", new Quantity("200Gi")));
    }

    @Test
    void boundsEveryTeamsNodeLocalDiskAsConfigured() {
        var props = new ProvisioningProperties(true, "fm", "ai-portal", "monitoring", "kube-system", "oidc:",
                ProvisioningProperties.ServiceAccounts.NONE, ProvisioningProperties.ContainerDefaults.DEFAULT,
                new ProvisioningProperties.EphemeralStorage("50Gi", "80Gi", "512Mi", "2Gi", "40Gi"), 100, List.of(),
                true);
        var objects = byName(TeamResources.desired(INSTANCE, team(TeamState.ACTIVE, QUOTA), props));

        assertThat(((ResourceQuota) objects.get("ResourceQuota/team-quota")).getSpec().getHard())
                .containsEntry("requests.ephemeral-storage", new Quantity("50Gi"))
                .containsEntry("limits.ephemeral-storage", new Quantity("80Gi"));
        var item = ((LimitRange) objects.get("LimitRange/team-defaults")).getSpec().getLimits().getFirst();
        assertThat(item.getDefaultRequest()).containsEntry("ephemeral-storage", new Quantity("512Mi"));
        assertThat(item.getDefault()).containsEntry("ephemeral-storage", new Quantity("2Gi"));
        assertThat(item.getMax()).containsEntry("ephemeral-storage", new Quantity("40Gi"));
    }

    @Test
    void aConfiguredCpuLimitAboveTheTeamsCpuIsCappedByIt() {
        var props = new ProvisioningProperties(true, "fm", "ai-portal", "monitoring", "kube-system", "oidc:",
                ProvisioningProperties.ServiceAccounts.NONE,
                new ProvisioningProperties.ContainerDefaults("250m", "512Mi", "1000", "2Gi"), null, 50, List.of(), true);
        var limits = (LimitRange) byName(TeamResources.desired(INSTANCE, team(TeamState.ACTIVE, QUOTA), props))
                .get("LimitRange/team-defaults");

        assertThat(limits.getSpec().getLimits().getFirst().getDefault()).containsEntry("cpu", new Quantity(QUOTA.cpu()));
    }

    @Test
    void setsTheConfiguredDefaultCpuLimit() {
        var props = new ProvisioningProperties(true, "fm", "ai-portal", "monitoring", "kube-system", "oidc:",
                ProvisioningProperties.ServiceAccounts.NONE,
                new ProvisioningProperties.ContainerDefaults("250m", "512Mi", "2", "2Gi"), null, 50, List.of(), true);
        var limits = (LimitRange) byName(TeamResources.desired(INSTANCE, team(TeamState.ACTIVE, QUOTA), props))
                .get("LimitRange/team-defaults");

        assertThat(limits.getSpec().getLimits().getFirst().getDefault()).containsOnly(
                Map.entry("cpu", new Quantity("2")), Map.entry("memory", new Quantity("2Gi")),
                Map.entry("ephemeral-storage", new Quantity("10Gi")));
    }

    @Test
    void givesWorkloadsAServiceAccountWithoutAnApiToken() {
        var account = (ServiceAccount) byName(TeamResources.desired(INSTANCE, team(TeamState.ACTIVE, QUOTA), PROPS))
                .get("ServiceAccount/workload");

        assertThat(account.getAutomountServiceAccountToken()).isFalse();
    }

    @Test
    void mountsNoApiTokenIntoPodsThatNameNoServiceAccount() {
        var account = (ServiceAccount) byName(TeamResources.desired(INSTANCE, team(TeamState.ACTIVE, QUOTA), PROPS))
                .get("ServiceAccount/default");

        assertThat(account.getAutomountServiceAccountToken()).isFalse();
    }

    @Test
    void letsEditorsChangeWorkloadsAndViewersOnlyRead() {
        var objects = byName(TeamResources.desired(INSTANCE, team(TeamState.ACTIVE, QUOTA), PROPS));
        var edit = (Role) objects.get("Role/team-edit");
        var view = (Role) objects.get("Role/team-view");

        assertThat(verbsOn(edit, "", "pods")).contains("create", "delete", "get", "list", "watch", "patch");
        assertThat(verbsOn(edit, "", "secrets")).contains("create", "get");
        assertThat(verbsOn(edit, "apps", "statefulsets")).contains("create", "delete");
        assertThat(verbsOn(edit, "batch", "jobs")).contains("create", "delete");
        assertThat(verbsOn(edit, "", "persistentvolumeclaims")).contains("create");
        assertThat(verbsOn(edit, "", "events")).containsOnly("get", "list", "watch");
        assertThat(verbsOn(edit, "", "pods/log")).containsOnly("get", "list", "watch");

        assertThat(view.getRules()).allSatisfy(r -> assertThat(r.getVerbs()).containsOnly("get", "list", "watch"));
        assertThat(verbsOn(view, "", "pods/log")).contains("get");
        assertThat(verbsOn(view, "", "secrets")).isEmpty();
        assertThat(edit.getRules()).allSatisfy(r -> assertThat(r.getResources()).doesNotContain("*"));
    }

    static List<String> verbsOn(Role role, String group, String resource) {
        return role.getRules().stream()
                .filter(r -> r.getApiGroups().contains(group) && r.getResources().contains(resource))
                .map(PolicyRule::getVerbs).flatMap(List::stream).toList();
    }

    @Test
    void bindsTheTeamsOidcGroupsAndNoServiceAccountToTheTeamsRoles() {
        var objects = byName(TeamResources.desired(INSTANCE, team(TeamState.ACTIVE, QUOTA), PROPS));
        var edit = (RoleBinding) objects.get("RoleBinding/team-edit");
        var view = (RoleBinding) objects.get("RoleBinding/team-view");

        assertThat(edit.getRoleRef().getKind()).isEqualTo("Role");
        assertThat(edit.getRoleRef().getName()).isEqualTo("team-edit");
        assertThat(edit.getSubjects()).extracting(Subject::getKind, Subject::getNamespace, Subject::getName)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("Group", null, "oidc:/teams/team-vision"));
        assertThat(view.getRoleRef().getName()).isEqualTo("team-view");
        assertThat(view.getSubjects()).extracting(Subject::getKind, Subject::getName)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("Group", "oidc:/teams/team-vision.viewers"));
    }

    @Test
    void bindsEachPortalServiceItsOwnRoleOnly() {
        var objects = byName(TeamResources.desired(INSTANCE, team(TeamState.ACTIVE, QUOTA), PROPS));

        for (var entry : Map.of("portal-job-runner", "job-runner", "portal-logging-pipeline", "logging-pipeline")
                .entrySet()) {
            var binding = (RoleBinding) objects.get("RoleBinding/" + entry.getKey());
            assertThat(binding.getRoleRef().getKind()).isEqualTo("Role");
            assertThat(binding.getRoleRef().getName()).isEqualTo(entry.getKey());
            assertThat(binding.getSubjects()).extracting(Subject::getKind, Subject::getNamespace, Subject::getName)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("ServiceAccount", "ai-portal",
                            entry.getValue()));
        }
    }

    @Test
    void theJobRunnerWritesItsWorkloadsAndCreatesAndDeletesSecretsByNameButNeverReadsThem() {
        var role = (Role) byName(TeamResources.desired(INSTANCE, team(TeamState.ACTIVE, QUOTA), PROPS))
                .get("Role/portal-job-runner");

        for (String[] kind : new String[][] {{"apps", "statefulsets"}, {"batch", "jobs"}, {"", "services"},
                {"", "persistentvolumeclaims"}, {"autoscaling.k8s.io", "verticalpodautoscalers"}}) {
            assertThat(verbsOn(role, kind[0], kind[1])).as(kind[1])
                    .containsExactlyInAnyOrder("create", "patch", "delete", "deletecollection");
        }
        assertThat(verbsOn(role, "apps", "deployments")).as("tracking and model servers, by name")
                .containsExactlyInAnyOrder("create", "patch", "delete");
        assertThat(verbsOn(role, "policy", "poddisruptionbudgets")).as("model servers' budgets, by name")
                .containsExactlyInAnyOrder("create", "patch", "delete");
        assertThat(verbsOn(role, "autoscaling", "horizontalpodautoscalers")).as("model servers' autoscalers, by name")
                .containsExactlyInAnyOrder("create", "patch", "delete");
        assertThat(verbsOn(role, "", "secrets")).containsExactlyInAnyOrder("create", "delete");
        assertThat(verbsOn(role, "", "events")).containsExactly("create");
        for (String resource : List.of("pods", "pods/exec", "configmaps", "serviceaccounts", "resourcequotas")) {
            assertThat(verbsOn(role, "", resource)).as(resource).isEmpty();
        }
        assertThat(role.getRules()).allSatisfy(r -> {
            assertThat(r.getVerbs()).doesNotContain("*", "list", "watch", "update", "escalate", "bind");
            assertThat(r.getResources()).doesNotContain("*");
            assertThat(r.getApiGroups()).doesNotContain("*", "rbac.authorization.k8s.io");
        });
    }

    @Test
    void theLoggingPipelineOnlyReadsThePodLogApi() {
        var role = (Role) byName(TeamResources.desired(INSTANCE, team(TeamState.ACTIVE, QUOTA), PROPS))
                .get("Role/portal-logging-pipeline");

        assertThat(role.getRules()).hasSize(1);
        assertThat(role.getRules().getFirst().getApiGroups()).containsExactly("");
        assertThat(role.getRules().getFirst().getResources()).containsExactly("pods/log");
        assertThat(role.getRules().getFirst().getVerbs()).containsExactly("get");
    }

    @Test
    void aServiceWithoutAnAccountGetsNoRoleAndNoBinding() {
        var props = new ProvisioningProperties(true, "fm", "ai-portal", "monitoring", "kube-system", "oidc:",
                new ProvisioningProperties.ServiceAccounts(new ProvisioningProperties.ServiceAccountRef("portal",
                        "jobs"), null), ProvisioningProperties.ContainerDefaults.DEFAULT, null, 100, List.of(), true);
        var objects = byName(TeamResources.desired(INSTANCE, team(TeamState.ACTIVE, QUOTA), props));

        assertThat(objects).containsKeys("Role/portal-job-runner", "RoleBinding/portal-job-runner")
                .doesNotContainKeys("Role/portal-logging-pipeline", "RoleBinding/portal-logging-pipeline");
        assertThat(((RoleBinding) objects.get("RoleBinding/portal-job-runner")).getSubjects())
                .extracting(Subject::getNamespace, Subject::getName)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("portal", "jobs"));
    }

    @Test
    void admitsTrafficOnlyFromTheTeamThePortalAndMonitoring() {
        var policy = (NetworkPolicy) byName(TeamResources.desired(INSTANCE, team(TeamState.ACTIVE, QUOTA), PROPS))
                .get("NetworkPolicy/team-isolation");

        assertThat(policy.getSpec().getPodSelector().getMatchLabels()).isNullOrEmpty();
        assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress");
        assertThat(policy.getSpec().getIngress()).hasSize(1);
        List<NetworkPolicyPeer> from = policy.getSpec().getIngress().getFirst().getFrom();
        assertThat(from).hasSize(3);
        assertThat(from.getFirst().getPodSelector()).isNotNull();
        assertThat(from.getFirst().getNamespaceSelector()).isNull();
        assertThat(from.subList(1, 3)).extracting(p -> p.getNamespaceSelector().getMatchLabels())
                .containsExactly(Map.of("kubernetes.io/metadata.name", "ai-portal"),
                        Map.of("kubernetes.io/metadata.name", "monitoring"));
    }

    @Test
    void letsTrafficOutOnlyToTheTeamDnsAndOutsideTheCluster() {
        var policy = (NetworkPolicy) byName(TeamResources.desired(INSTANCE, team(TeamState.ACTIVE, QUOTA), PROPS))
                .get("NetworkPolicy/team-isolation");

        var egress = policy.getSpec().getEgress();
        assertThat(egress).hasSize(3);
        assertThat(egress.get(0).getTo().getFirst().getPodSelector()).isNotNull();
        assertThat(egress.get(1).getTo().getFirst().getNamespaceSelector().getMatchLabels())
                .isEqualTo(Map.of("kubernetes.io/metadata.name", "kube-system"));
        assertThat(egress.get(1).getPorts()).extracting(p -> p.getProtocol() + "/" + p.getPort().getIntVal())
                .containsExactly("UDP/53", "TCP/53");
        var ipBlock = egress.get(2).getTo().getFirst().getIpBlock();
        assertThat(ipBlock.getCidr()).isEqualTo("0.0.0.0/0");
        assertThat(ipBlock.getExcept()).containsExactly("10.96.0.0/12", "10.244.0.0/16");
    }

    @Test
    void allowsNoExternalEgressWhenSwitchedOff() {
        var props = new ProvisioningProperties(true, "fm", "ai-portal", "monitoring", "kube-system", "oidc:",
                ProvisioningProperties.ServiceAccounts.NONE, null, null, 100, List.of("10.0.0.0/8"), false);
        var policy = (NetworkPolicy) byName(TeamResources.desired(INSTANCE, team(TeamState.ACTIVE, QUOTA), props))
                .get("NetworkPolicy/team-isolation");

        assertThat(policy.getSpec().getEgress()).hasSize(2)
                .allSatisfy(rule -> assertThat(rule.getTo()).allSatisfy(p -> assertThat(p.getIpBlock()).isNull()));
    }

    @Test
    void isAPureFunction() {
        assertThat(TeamResources.desired(INSTANCE, team(TeamState.ACTIVE, QUOTA), PROPS))
                .isEqualTo(TeamResources.desired(INSTANCE, team(TeamState.ACTIVE, QUOTA), PROPS));
    }

    @Test
    void createsNothingClusterWide() {
        assertThat(TeamResources.desired(INSTANCE, team(TeamState.ACTIVE, QUOTA), PROPS))
                .filteredOn(o -> o.getMetadata().getNamespace() == null)
                .extracting(HasMetadata::getKind).containsExactly("Namespace");
    }

    @Test
    void withKueueBorrowingTheQuotaBackstopAlsoAllowsTheGpusTheTeamMayBorrow() {
        TeamSnapshot team = team(TeamState.ACTIVE, QUOTA);
        var borrowing = new KueueProperties(true, true, 4);

        var quota = (ResourceQuota) byName(TeamResources.desired(INSTANCE, team, PROPS, borrowing)).get("ResourceQuota/team-quota");
        var withoutBorrowing = (ResourceQuota) byName(TeamResources.desired(INSTANCE, team, PROPS)).get("ResourceQuota/team-quota");

        // 14 of its own, plus up to 4 borrowed of each of the 3 types Kueue may admit
        assertThat(quota.getSpec().getHard()).containsEntry("requests.nvidia.com/gpu", new Quantity("26"));
        assertThat(withoutBorrowing.getSpec().getHard()).containsEntry("requests.nvidia.com/gpu", new Quantity("14"));
    }
}
