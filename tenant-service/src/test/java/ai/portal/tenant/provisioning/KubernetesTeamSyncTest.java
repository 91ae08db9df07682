package ai.portal.tenant.provisioning;

import static ai.portal.tenant.provisioning.TestCluster.SMALL;
import static ai.portal.tenant.provisioning.TestCluster.restrictedPod;
import static ai.portal.tenant.provisioning.TestCluster.team;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import ai.portal.platform.team.PortalLabels;
import ai.portal.platform.team.TeamNames;
import ai.portal.tenant.cluster.ClusterView;
import ai.portal.tenant.domain.Quota;
import ai.portal.tenant.domain.TeamSnapshot;
import ai.portal.tenant.domain.TeamState;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link KubernetesTeamSync} against a real API server: every object, admission, RBAC, idempotence, removal. */
class KubernetesTeamSyncTest {

    static final Duration TIMEOUT = Duration.ofSeconds(60);

    static KubernetesClient client;
    static ClusterView view;
    static KubernetesTeamSync sync;
    static final ProvisioningProperties PROPS = ProvisioningProperties.defaults();
    String slug;
    String ns;

    @BeforeAll
    static void connect() {
        client = TestCluster.connect();
        view = TestCluster.view(client);
        sync = new KubernetesTeamSync(client, view, PROPS, KueueProperties.DEFAULTS, new AppliedVersions());
        view.start();
    }

    @AfterAll
    static void disconnect() {
        if (view != null) {
            view.stop();
        }
        if (client != null) {
            client.close();
        }
    }

    @BeforeEach
    void newTeam() {
        slug = TestCluster.uniqueSlug("prov");
        ns = TeamNames.namespace(slug);
    }

    @AfterEach
    void removeTeam() {
        TestCluster.cleanUp(client, slug);
    }

    void converge(TeamSnapshot team) {
        sync.converge(team).block(TIMEOUT);
    }

    @Test
    void provisionsEveryObjectOfTheTeamOnTheCluster() {
        TeamSnapshot team = team(slug, TeamState.ACTIVE, SMALL);
        converge(team);

        var namespace = client.namespaces().withName(ns).get();
        assertThat(namespace.getMetadata().getLabels())
                .containsEntry("portal.ai/team", slug)
                .containsEntry("app.kubernetes.io/managed-by", "ai-portal")
                .containsEntry("pod-security.kubernetes.io/enforce", "restricted");
        for (HasMetadata desired : TeamResources.desired(TestCluster.INSTANCE, team, PROPS)) {
            HasMetadata live = client.resource(desired).get();
            assertThat(live).as(desired.getKind() + " " + desired.getMetadata().getName()).isNotNull();
            assertThat(live.getMetadata().getLabels()).containsAllEntriesOf(desired.getMetadata().getLabels());
            assertThat(live.getMetadata().getManagedFields()).as("written by our field manager")
                    .anyMatch(f -> PROPS.fieldManager().equals(f.getManager()) && "Apply".equals(f.getOperation()));
            assertThat(bodyOf(live)).as(desired.getKind() + " as desired").isEqualTo(bodyOf(desired));
        }
        var quota = client.resourceQuotas().inNamespace(ns).withName("team-quota").get();
        assertThat(quota.getSpec().getHard())
                .containsEntry("requests.nvidia.com/gpu", new Quantity("3"))
                .containsEntry("requests.cpu", new Quantity("2"))
                .containsEntry("limits.memory", new Quantity("4Gi"))
                .containsEntry("pods", new Quantity("100")).doesNotContainKey("count/pods");
    }

    /** The object without metadata and status, as the server normalised it: what we declare. */
    static Map<String, Object> bodyOf(HasMetadata object) {
        @SuppressWarnings("unchecked")
        Map<String, Object> map = new LinkedHashMap<>(client.getKubernetesSerialization().convertValue(object,
                Map.class));
        map.remove("metadata");
        map.remove("status");
        map.remove("kind");
        map.remove("apiVersion");
        // the API server adds secrets: [] nowhere, but namespaces get spec.finalizers: [kubernetes]
        if (map.get("spec") instanceof Map<?, ?> spec && spec.containsKey("finalizers")) {
            var copy = new LinkedHashMap<>(spec);
            copy.remove("finalizers");
            if (copy.isEmpty()) {
                map.remove("spec");
            } else {
                map.put("spec", copy);
            }
        }
        return map;
    }

    @Test
    void resourceQuotaMakesTheApiServerRefuseAPodOverQuota() {
        converge(team(slug, TeamState.ACTIVE, SMALL));

        assertThat(client.pods().inNamespace(ns).resource(restrictedPod("fits", "1500m")).create()).isNotNull();
        // the quota (2 CPUs) holds 1.5 of them now
        client.resourceQuotas().inNamespace(ns).withName("team-quota").waitUntilCondition(
                q -> q.getStatus() != null && q.getStatus().getUsed() != null
                        && new Quantity("1500m").equals(q.getStatus().getUsed().get("requests.cpu")),
                TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThatThrownBy(() -> client.pods().inNamespace(ns).resource(restrictedPod("one-more", "1")).create())
                .isInstanceOf(KubernetesClientException.class)
                .hasMessageContaining("exceeded quota: team-quota")
                .hasMessageContaining("requests.cpu");
    }

    @Test
    void noContainerMayAskForOrBeLimitedToMoreCpuThanItsWholeTeamHas() {
        converge(team(slug, TeamState.ACTIVE, SMALL));

        // asking for 64 with the default limit of 2: refused either as over the maximum or as over its own limit
        assertThatThrownBy(() -> client.pods().inNamespace(ns).resource(restrictedPod("too-big", "64")).create())
                .isInstanceOf(KubernetesClientException.class)
                .hasMessageMatching("(?s).*(maximum cpu usage per Container is 2|less than or equal to cpu limit).*");
        Pod unbounded = new PodBuilder(restrictedPod("unbounded", "100m")).editSpec().editFirstContainer()
                .editResources().addToLimits("cpu", new Quantity("1000")).endResources().endContainer().endSpec()
                .build();
        assertThatThrownBy(() -> client.pods().inNamespace(ns).resource(unbounded).create())
                .isInstanceOf(KubernetesClientException.class)
                .hasMessageContaining("maximum cpu usage per Container is 2");
        // a container without a CPU limit gets the team's CPU as its limit
        Pod pod = client.pods().inNamespace(ns).resource(restrictedPod("no-limit", "100m")).create();
        assertThat(pod.getSpec().getContainers().getFirst().getResources().getLimits())
                .containsEntry("cpu", new Quantity("2"));
    }

    @Test
    void boundsTheTeamsEphemeralStorageAndDefaultsContainersThatStateNone() {
        converge(team(slug, TeamState.ACTIVE, SMALL));
        var ephemeral = PROPS.ephemeralStorage();
        Quantity perContainer = new Quantity(ephemeral.max());

        // three containers at the most one may have: together more than the team's requests.ephemeral-storage
        PodBuilder tooMuch = new PodBuilder(restrictedPod("too-much-disk", "100m"));
        var spec = tooMuch.editSpec();
        Container first = restrictedPod("x", "100m").getSpec().getContainers().getFirst();
        spec.withContainers(Stream.of("a", "b", "c").map(name -> new ContainerBuilder(first).withName(name)
                .editResources().addToRequests("ephemeral-storage", perContainer)
                .addToLimits("ephemeral-storage", perContainer).endResources().build()).toList());
        assertThatThrownBy(() -> client.pods().inNamespace(ns).resource(spec.endSpec().build()).create())
                .isInstanceOf(KubernetesClientException.class)
                .hasMessageContaining("exceeded quota: team-quota")
                .hasMessageContaining("requests.ephemeral-storage");
        // one container over the maximum is refused by the LimitRange
        Pod tooBig = new PodBuilder(restrictedPod("too-big-disk", "100m")).editSpec().editFirstContainer()
                .editResources().addToRequests("ephemeral-storage", new Quantity(ephemeral.limits()))
                .addToLimits("ephemeral-storage", new Quantity(ephemeral.limits())).endResources().endContainer()
                .endSpec().build();
        assertThatThrownBy(() -> client.pods().inNamespace(ns).resource(tooBig).create())
                .isInstanceOf(KubernetesClientException.class)
                .hasMessageContaining("maximum ephemeral-storage usage per Container is " + ephemeral.max());

        // a pod that says nothing of ephemeral storage is admitted with the defaults and counted against the quota
        Pod silent = client.pods().inNamespace(ns).resource(restrictedPod("says-nothing", null)).create();
        var resources = silent.getSpec().getContainers().getFirst().getResources();
        assertThat(resources.getRequests()).containsEntry("ephemeral-storage", new Quantity(ephemeral.defaultRequest()));
        assertThat(resources.getLimits()).containsEntry("ephemeral-storage", new Quantity(ephemeral.defaultLimit()));
        client.resourceQuotas().inNamespace(ns).withName("team-quota").waitUntilCondition(
                q -> q.getStatus() != null && q.getStatus().getUsed() != null
                        && new Quantity(ephemeral.defaultRequest()).equals(
                        q.getStatus().getUsed().get("requests.ephemeral-storage")),
                TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        // and the scheduler places it: the simulated nodes report ephemeral storage as a kubelet does
        client.pods().inNamespace(ns).withName("says-nothing").waitUntilCondition(
                p -> p != null && p.getSpec().getNodeName() != null, TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void refusesLoadBalancerAndNodePortServicesAndMountsNoDefaultToken() {
        converge(team(slug, TeamState.ACTIVE, SMALL));

        for (String type : List.of("LoadBalancer", "NodePort")) {
            Service exposed = new ServiceBuilder().withNewMetadata().withName(type.toLowerCase()).endMetadata()
                    .withNewSpec().withType(type).addNewPort().withPort(8888).endPort().endSpec().build();
            assertThatThrownBy(() -> client.services().inNamespace(ns).resource(exposed).create())
                    .as(type).isInstanceOf(KubernetesClientException.class)
                    .hasMessageContaining("exceeded quota: team-quota");
        }
        assertThat(client.serviceAccounts().inNamespace(ns).withName("default").get().getAutomountServiceAccountToken())
                .isFalse();
    }

    @Test
    void podSecurityRestrictedRefusesAPrivilegedPod() {
        converge(team(slug, TeamState.ACTIVE, SMALL));

        Pod privileged = new PodBuilder(restrictedPod("privileged", "100m")).editSpec().editFirstContainer()
                .editSecurityContext().withPrivileged(true).withAllowPrivilegeEscalation(true).endSecurityContext().endContainer().endSpec().build();
        assertThatThrownBy(() -> client.pods().inNamespace(ns).resource(privileged).create())
                .isInstanceOf(KubernetesClientException.class)
                .hasMessageContaining("violates PodSecurity \"restricted:latest\"")
                .hasMessageContaining("privileged");
    }

    @Test
    void containersWithoutRequestsGetTheDefaultsAndCountAgainstTheQuota() {
        converge(team(slug, TeamState.ACTIVE, SMALL));

        Pod pod = client.pods().inNamespace(ns).resource(restrictedPod("no-requests", null)).create();

        var resources = pod.getSpec().getContainers().getFirst().getResources();
        assertThat(resources.getRequests()).containsEntry("cpu", new Quantity("100m"))
                .containsEntry("memory", new Quantity("256Mi"));
        assertThat(resources.getLimits()).containsEntry("memory", new Quantity("1Gi"));
        client.resourceQuotas().inNamespace(ns).withName("team-quota").waitUntilCondition(
                q -> q.getStatus() != null && q.getStatus().getUsed() != null
                        && new Quantity("100m").equals(q.getStatus().getUsed().get("requests.cpu")),
                TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void bindsEditorsViewersAndThePortalAndNobodyElse() {
        converge(team(slug, TeamState.ACTIVE, SMALL));
        String editors = "oidc:/teams/team-" + slug;
        String viewers = editors + ".viewers";

        assertThat(allowed(List.of(editors), ns, "create", "", "pods")).isTrue();
        assertThat(allowed(List.of(editors), ns, "create", "batch", "jobs")).isTrue();
        assertThat(allowed(List.of(editors), ns, "delete", "apps", "statefulsets")).isTrue();
        assertThat(allowed(List.of(editors), ns, "get", "", "secrets")).isTrue();
        assertThat(allowed(List.of(editors), ns, "delete", "", "resourcequotas")).isFalse();
        assertThat(allowed(List.of(editors), ns, "create", "rbac.authorization.k8s.io", "rolebindings")).isFalse();
        assertThat(allowed(List.of(editors), "default", "list", "", "pods")).isFalse();

        assertThat(allowed(List.of(viewers), ns, "list", "", "pods")).isTrue();
        assertThat(allowed(List.of(viewers), ns, "create", "", "pods")).isFalse();
        assertThat(allowed(List.of(viewers), ns, "get", "", "secrets")).isFalse();

        assertThat(allowed(List.of("oidc:/teams/team-someone-else"), ns, "list", "", "pods")).isFalse();
        // a group of the same name outside /teams (full.path=true puts the path in the token) grants nothing
        assertThat(allowed(List.of("oidc:team-" + slug), ns, "list", "", "pods")).isFalse();
        assertThat(allowed(List.of("oidc:/elsewhere/team-" + slug), ns, "list", "", "pods")).isFalse();
        assertThat(serviceAccountAllowed("ai-portal", "job-runner", ns, "create", "apps", "statefulsets")).isTrue();
        assertThat(serviceAccountAllowed("ai-portal", "job-runner", ns, "list", "", "secrets")).isFalse();
        assertThat(serviceAccountAllowed("ai-portal", "job-runner", ns, "create", "", "pods")).isFalse();
        assertThat(serviceAccountAllowed("ai-portal", "logging-pipeline", ns, "get", "", "pods/log")).isTrue();
        assertThat(serviceAccountAllowed("ai-portal", "logging-pipeline", ns, "get", "", "secrets")).isFalse();
        assertThat(serviceAccountAllowed(ns, "workload", ns, "list", "", "pods")).isFalse();
    }

    boolean allowed(List<String> groups, String namespace, String verb, String group, String resource) {
        return review(new SubjectAccessReviewBuilder().withNewSpec().withUser("someone")
                .withGroups(Stream.concat(Stream.of("system:authenticated"), groups.stream()).toList())
                .withNewResourceAttributes().withNamespace(namespace).withVerb(verb).withGroup(group)
                .withResource(resource).endResourceAttributes().endSpec().build());
    }

    boolean serviceAccountAllowed(String saNamespace, String sa, String namespace, String verb, String group,
                                  String resource) {
        return review(new SubjectAccessReviewBuilder().withNewSpec()
                .withUser("system:serviceaccount:" + saNamespace + ":" + sa)
                .withGroups("system:serviceaccounts", "system:serviceaccounts:" + saNamespace, "system:authenticated")
                .withNewResourceAttributes().withNamespace(namespace).withVerb(verb).withGroup(group)
                .withResource(resource).endResourceAttributes().endSpec().build());
    }

    boolean review(SubjectAccessReview review) {
        return client.authorization().v1().subjectAccessReview().create(review).getStatus().getAllowed();
    }

    @Test
    void applyingTwiceChangesNothing() {
        TeamSnapshot team = team(slug, TeamState.ACTIVE, SMALL);
        converge(team);
        Map<String, String> before = resourceVersions(team);

        converge(team);

        assertThat(resourceVersions(team)).isEqualTo(before);
    }

    Map<String, String> resourceVersions(TeamSnapshot team) {
        Map<String, String> versions = new LinkedHashMap<>();
        for (HasMetadata desired : TeamResources.desired(TestCluster.INSTANCE, team, PROPS)) {
            versions.put(desired.getKind() + "/" + desired.getMetadata().getName(),
                    client.resource(desired).get().getMetadata().getResourceVersion());
        }
        return versions;
    }

    @Test
    void changingTheQuotaUpdatesTheResourceQuota() {
        converge(team(slug, TeamState.ACTIVE, SMALL));

        converge(team(slug, TeamState.ACTIVE,
                new Quota("16", "64Gi", "500Gi", 8, 2, Map.of("NVIDIA-H100-80GB-HBM3", 8, "Tesla-T4", 4))));

        ResourceQuota quota = client.resourceQuotas().inNamespace(ns).withName("team-quota").get();
        assertThat(quota.getSpec().getHard())
                .containsEntry("requests.cpu", new Quantity("16"))
                .containsEntry("requests.memory", new Quantity("64Gi"))
                .containsEntry("requests.storage", new Quantity("500Gi"))
                .containsEntry("persistentvolumeclaims", new Quantity("8"))
                .containsEntry("requests.nvidia.com/gpu", new Quantity("12"));
        assertThat(quota.getMetadata().getAnnotations())
                .containsEntry("portal.ai/gpu-quota", "{\"NVIDIA-H100-80GB-HBM3\":8,\"Tesla-T4\":4}");
    }

    @Test
    void archivingLabelsTheNamespaceAndReactivatingRemovesTheLabel() {
        converge(team(slug, TeamState.ARCHIVED, SMALL));
        assertThat(client.namespaces().withName(ns).get().getMetadata().getLabels())
                .containsEntry("portal.ai/archived", "true");

        converge(team(slug, TeamState.ACTIVE, SMALL));
        assertThat(client.namespaces().withName(ns).get().getMetadata().getLabels())
                .doesNotContainKey("portal.ai/archived");
    }

    @Test
    void deletesObjectsTheTeamNoLongerNeedsAndLeavesOthersAlone() {
        converge(team(slug, TeamState.ACTIVE, SMALL));
        // what an older version of the portal applied under a name it no longer uses
        client.resource(new RoleBuilder().withNewMetadata().withName("team-old").withNamespace(ns)
                        .withLabels(PortalLabels.teamLabels(TestCluster.INSTANCE, slug)).endMetadata().build())
                .fieldManager(PROPS.fieldManager()).forceConflicts().serverSideApply();
        // someone else's object in the namespace, even with our label
        client.resource(new RoleBuilder().withNewMetadata().withName("someone-elses").withNamespace(ns)
                .withLabels(PortalLabels.teamLabels(TestCluster.INSTANCE, slug)).endMetadata().build()).create();
        // the sync prunes what its view shows: let the view catch up with the hand-made objects
        await().atMost(TIMEOUT).until(() -> view.managed(Role.class, ns).size() >= 4);

        converge(team(slug, TeamState.ACTIVE, SMALL));

        assertThat(client.rbac().roles().inNamespace(ns).withName("team-old").get()).isNull();
        assertThat(client.rbac().roles().inNamespace(ns).withName("someone-elses").get()).isNotNull();
        assertThat(client.rbac().roles().inNamespace(ns).withName("team-edit").get()).isNotNull();
    }

    @Test
    void refusesToAdoptANamespaceItDidNotCreateAndRemovingTheTeamLeavesItAlone() {
        client.resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();

        assertThatThrownBy(() -> converge(team(slug, TeamState.ACTIVE, SMALL)))
                .isInstanceOf(ProvisioningException.class)
                .hasMessageContaining("Namespace " + ns + " exists and is not managed by ai-portal");
        await().atMost(TIMEOUT).until(() -> view.namespace(ns).isPresent());
        sync.remove(slug).block(TIMEOUT);

        var namespace = client.namespaces().withName(ns).get();
        assertThat(namespace.getMetadata().getDeletionTimestamp()).isNull();
        assertThat(namespace.getMetadata().getLabels()).doesNotContainKey("portal.ai/team");
    }

    @Test
    void refusesANamespaceOfAnotherInstallationAndNeverDeletesIt() {
        client.resource(new NamespaceBuilder().withNewMetadata().withName(ns)
                .withLabels(PortalLabels.teamLabels("another-portal", slug)).endMetadata().build()).create();

        assertThatThrownBy(() -> converge(team(slug, TeamState.ACTIVE, SMALL)))
                .isInstanceOf(ProvisioningException.class)
                .hasMessageContaining("belongs to another AI Portal installation (portal.ai/instance=another-portal)");
        await().atMost(TIMEOUT).until(() -> view.namespace(ns).isPresent());
        sync.remove(slug).block(TIMEOUT);
        assertThat(sync.managedSlugs().collectList().block(TIMEOUT)).doesNotContain(slug);

        var namespace = client.namespaces().withName(ns).get();
        assertThat(namespace.getMetadata().getDeletionTimestamp()).isNull();
        assertThat(namespace.getMetadata().getLabels()).containsEntry("portal.ai/instance", "another-portal")
                .doesNotContainKey("pod-security.kubernetes.io/enforce");
        assertThat(client.resourceQuotas().inNamespace(ns).list().getItems()).isEmpty();
    }

    @Test
    void aTeamWithLessCpuThanOneContainersDefaultStillConverges() {
        for (String cpu : List.of("50m", "0")) {
            converge(team(slug, TeamState.ACTIVE, new Quota(cpu, "4Gi", "10Gi", 3, 1, Map.of())));

            var limits = client.limitRanges().inNamespace(ns).withName("team-defaults").get().getSpec().getLimits()
                    .getFirst();
            assertThat(limits.getDefaultRequest()).containsEntry("cpu", new Quantity(cpu));
            assertThat(limits.getMax()).containsEntry("cpu", new Quantity(cpu));
            assertThat(client.resourceQuotas().inNamespace(ns).withName("team-quota").get().getSpec().getHard())
                    .containsEntry("requests.cpu", new Quantity(cpu));
        }
    }

    @Test
    void failsWithTheApiServersMessageWhenItRefusesAnObject() {
        converge(team(slug, TeamState.ACTIVE, SMALL));
        // a finalizer keeps the namespace terminating after someone deleted it by hand
        client.resource(new ConfigMapBuilder().withNewMetadata().withName("held").withNamespace(ns)
                .withFinalizers("test.portal.ai/hold").endMetadata().build()).create();
        client.namespaces().withName(ns).delete();
        client.resourceQuotas().inNamespace(ns).withName("team-quota")
                .waitUntilCondition(q -> q == null, TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        try {
            assertThatThrownBy(() -> converge(team(slug, TeamState.ACTIVE, SMALL)))
                    .isInstanceOf(ProvisioningException.class)
                    .hasMessageStartingWith("applying ResourceQuota " + ns + "/team-quota failed: ")
                    .hasMessageContaining("because it is being terminated");
        } finally {
            // a merge patch without a resourceVersion: the namespace controller updates the config map while it
            // terminates, and an edit (read, then patch at that version) may lose that race with a 409
            client.configMaps().inNamespace(ns).withName("held")
                    .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"finalizers\":null}}");
        }
    }

    @Test
    void removingATeamDeletesItsNamespace() {
        converge(team(slug, TeamState.ACTIVE, SMALL));
        client.pods().inNamespace(ns).resource(restrictedPod("running", "100m")).create();

        sync.remove(slug).block(TIMEOUT);

        var namespace = client.namespaces().withName(ns).get();
        assertThat(namespace == null || namespace.getMetadata().getDeletionTimestamp() != null)
                .as("gone or terminating").isTrue();
        client.namespaces().withName(ns).waitUntilCondition(n -> n == null, TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        sync.remove(slug).block(TIMEOUT); // nothing left: still succeeds
    }

    @Test
    void convergingADeletingTeamRemovesItsNamespace() {
        converge(team(slug, TeamState.ACTIVE, SMALL));

        converge(team(slug, TeamState.DELETING, SMALL));

        var namespace = client.namespaces().withName(ns).get();
        assertThat(namespace == null || namespace.getMetadata().getDeletionTimestamp() != null).isTrue();
    }
}
