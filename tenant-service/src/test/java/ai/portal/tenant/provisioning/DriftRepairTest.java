package ai.portal.tenant.provisioning;

import static ai.portal.tenant.provisioning.TestCluster.SMALL;
import static ai.portal.tenant.provisioning.TestCluster.team;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import ai.portal.platform.team.PortalLabels;
import ai.portal.platform.team.TeamNames;
import ai.portal.tenant.cluster.ClusterView;
import ai.portal.tenant.domain.ReconcileTrigger;
import ai.portal.tenant.domain.TeamSnapshot;
import ai.portal.tenant.domain.TeamState;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRuleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Objects deleted or edited by hand come back: {@link ManagedObjectWatcher} sees the change and requests the team;
 * a trigger standing in for the lead's work queue runs {@link KubernetesTeamSync#converge}.
 */
class DriftRepairTest {

    static final Duration TIMEOUT = Duration.ofSeconds(60);
    static final ProvisioningProperties PROPS = ProvisioningProperties.defaults();

    static KubernetesClient client;
    static ClusterView view;
    static KubernetesTeamSync sync;
    /** What the database would say: the teams the trigger converges. */
    static final Map<String, TeamSnapshot> TEAMS = new ConcurrentHashMap<>();
    static final Set<String> REQUESTED = ConcurrentHashMap.newKeySet();

    String slug;
    String ns;
    TeamSnapshot team;

    @BeforeAll
    static void startWatcher() {
        client = TestCluster.connect();
        AppliedVersions applied = new AppliedVersions();
        view = TestCluster.view(client);
        sync = new KubernetesTeamSync(client, view, PROPS, KueueProperties.DEFAULTS, applied);
        ReconcileTrigger trigger = new ReconcileTrigger() {
            @Override
            public void request(String slug) {
                REQUESTED.add(slug);
                TeamSnapshot team = TEAMS.get(slug);
                if (team != null) {
                    sync.converge(team).subscribe(null, error -> { });
                }
            }

            @Override
            public void requestInstallation() {
            }

            @Override
            public void requestEverything() {
            }
        };
        new ManagedObjectWatcher(view, client.getKubernetesSerialization(), trigger, applied);
        view.start();
    }

    @AfterAll
    static void stopWatcher() {
        if (view != null) {
            view.stop();
        }
        if (client != null) {
            client.close();
        }
    }

    @BeforeEach
    void provisionTeam() {
        slug = TestCluster.uniqueSlug("drift");
        ns = TeamNames.namespace(slug);
        team = team(slug, TeamState.ACTIVE, SMALL);
        TEAMS.put(slug, team);
        sync.converge(team).block(TIMEOUT);
        await().atMost(TIMEOUT).until(view::isWatching);
        REQUESTED.remove(slug);
    }

    @AfterEach
    void removeTeam() {
        TEAMS.remove(slug);
        TestCluster.cleanUp(client, slug);
    }

    HasMetadata desired(String kind, String name) {
        return TeamResources.desired(TestCluster.INSTANCE, team, PROPS).stream()
                .filter(o -> o.getKind().equals(kind) && o.getMetadata().getName().equals(name))
                .findFirst().orElseThrow();
    }

    @Test
    void restoresAResourceQuotaDeletedByHand() {
        var quotas = client.resourceQuotas().inNamespace(ns).withName("team-quota");
        String uid = quotas.get().getMetadata().getUid();

        quotas.delete();

        var restored = quotas.waitUntilCondition(q -> q != null && !q.getMetadata().getUid().equals(uid),
                TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(restored.getSpec().getHard())
                .isEqualTo(((io.fabric8.kubernetes.api.model.ResourceQuota) desired("ResourceQuota", "team-quota"))
                        .getSpec().getHard());
        assertThat(REQUESTED).contains(slug);
    }

    @Test
    void restoresANetworkPolicyEditedByHand() {
        var policies = client.network().v1().networkPolicies().inNamespace(ns).withName("team-isolation");
        var wanted = ((NetworkPolicy) desired("NetworkPolicy", "team-isolation")).getSpec();

        // someone opens the namespace to every other namespace
        policies.edit(p -> {
            p.getSpec().setIngress(List.of(new NetworkPolicyIngressRuleBuilder().build()));
            return p;
        });

        var restored = policies.waitUntilCondition(p -> p != null && Objects.equals(p.getSpec(), wanted),
                TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(restored.getSpec().getIngress().getFirst().getFrom()).hasSize(3);
        assertThat(REQUESTED).contains(slug);
    }

    @Test
    void restoresPodSecurityLabelsRemovedFromTheNamespaceByHand() {
        var namespace = client.namespaces().withName(ns);

        namespace.edit(n -> {
            n.getMetadata().getLabels().remove("pod-security.kubernetes.io/enforce");
            return n;
        });

        namespace.waitUntilCondition(n -> n != null
                        && "restricted".equals(n.getMetadata().getLabels().get("pod-security.kubernetes.io/enforce")),
                TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(REQUESTED).contains(slug);
    }

    @Test
    void restoresARoleBindingWhoseManagedByLabelWasRemoved() {
        var binding = client.rbac().roleBindings().inNamespace(ns).withName("team-edit");

        binding.edit(b -> {
            b.getMetadata().getLabels().remove(PortalLabels.MANAGED_BY);
            b.setSubjects(List.of());
            return b;
        });

        // the team's editors' group and nobody else (the portal's services have Roles of their own)
        binding.waitUntilCondition(b -> b != null && b.getSubjects() != null && b.getSubjects().size() == 1
                        && b.getSubjects().getFirst().getName().equals("oidc:/teams/team-" + slug)
                        && PortalLabels.MANAGER.equals(b.getMetadata().getLabels().get(PortalLabels.MANAGED_BY)),
                TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(REQUESTED).contains(slug);
    }
}
