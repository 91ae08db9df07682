package ai.portal.tenant.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

import ai.portal.platform.team.KueueNames;
import ai.portal.platform.team.TeamNames;
import ai.portal.platform.team.TeamRole;
import ai.portal.tenant.cluster.ClusterView;
import ai.portal.tenant.domain.Member;
import ai.portal.tenant.domain.Quota;
import ai.portal.tenant.domain.ReconcileTrigger;
import ai.portal.tenant.domain.TeamSnapshot;
import ai.portal.tenant.domain.TeamState;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The team's Kueue queues on the real local cluster, with Kueue running (its webhooks validate what is applied, its
 * controller marks a queue Active once its flavors exist): created with the team, changed with its quota, repaired
 * after a hand edit, removed with the team, and another installation's queues and flavors left alone.
 */
class KueueProvisioningTest {

    static final Duration TIMEOUT = Duration.ofMinutes(4);
    static final List<String> CATALOGUE = List.of("NVIDIA-H100-80GB-HBM3", "NVIDIA-A100-SXM4-80GB", "Tesla-T4");
    static final Quota QUOTA = new Quota("8", "32Gi", "100Gi", 10, 2, Map.of("NVIDIA-A100-SXM4-80GB", 4));

    static KubernetesClient client;
    static ClusterView view;
    static KubernetesTeamSync sync;
    static final Map<String, TeamSnapshot> TEAMS = new ConcurrentHashMap<>();
    /**
     * One converge at a time, as the reconciler's work queue guarantees in the service: without it a drift repair
     * started with the previous snapshot could apply after the test's own converge and put the old quota back.
     */
    static final Semaphore ONE_AT_A_TIME = new Semaphore(1);

    static void converge(TeamSnapshot team) {
        ONE_AT_A_TIME.acquireUninterruptibly();
        try {
            sync.converge(team).block(TIMEOUT);
        } finally {
            ONE_AT_A_TIME.release();
        }
    }

    /**
     * Removes a team as the service does once its row is gone: no snapshot left for a drift repair to converge
     * again (it would put the queue back), and not while a repair of it still runs.
     */
    static void remove(String slug) {
        TEAMS.remove(slug);
        ONE_AT_A_TIME.acquireUninterruptibly();
        try {
            sync.remove(slug).block(TIMEOUT);
        } finally {
            ONE_AT_A_TIME.release();
        }
    }

    String slug;

    @BeforeAll
    static void start() {
        client = TestCluster.connect();
        view = TestCluster.view(client);
        AppliedVersions applied = new AppliedVersions();
        sync = new KubernetesTeamSync(client, view, ProvisioningProperties.defaults(), KueueProperties.DEFAULTS,
                applied);
        new ManagedObjectWatcher(view, client.getKubernetesSerialization(), new ReconcileTrigger() {
            @Override
            public void request(String slug) {
                Thread.ofVirtual().start(() -> {
                    ONE_AT_A_TIME.acquireUninterruptibly();
                    try {
                        TeamSnapshot team = TEAMS.get(slug); // the newest snapshot, read once it is our turn
                        if (team != null) {
                            sync.converge(team).block(TIMEOUT);
                        }
                    } catch (RuntimeException repairFailed) {
                        // as in the service: a failed repair is retried by the next event or converge
                    } finally {
                        ONE_AT_A_TIME.release();
                    }
                });
            }

            @Override
            public void requestInstallation() {
                sync.convergeInstallation(CATALOGUE).subscribe(null, error -> { });
            }

            @Override
            public void requestEverything() {
                requestInstallation();
            }
        }, applied);
        view.start();
        await("Kueue's API served by the test cluster (infra/local-cluster starts Kueue)").atMost(TIMEOUT)
                .until(() -> KubernetesTeamSync.KUEUE_KINDS.stream().allMatch(view::serves));
        sync.convergeInstallation(CATALOGUE).block(TIMEOUT);
    }

    @AfterAll
    static void stop() {
        if (sync != null) {
            sync.convergeInstallation(List.of()).onErrorResume(e -> reactor.core.publisher.Mono.empty()).block(TIMEOUT);
            deleteAll(KueueResources.RESOURCE_FLAVOR);
            deleteAll(KueueResources.WORKLOAD_PRIORITY_CLASS);
        }
        if (view != null) {
            view.stop();
        }
        if (client != null) {
            client.close();
        }
    }

    static void deleteAll(ResourceDefinitionContext kind) {
        client.genericKubernetesResources(kind).withLabel("portal.ai/instance", TestCluster.INSTANCE).delete();
    }

    @BeforeEach
    void newTeam() {
        slug = TestCluster.uniqueSlug("kueue");
    }

    @AfterEach
    void removeTeam() {
        remove(slug);
    }

    static TeamSnapshot team(String slug, TeamState state, Quota quota) {
        TeamSnapshot team = new TeamSnapshot(slug, "Team " + slug, "", state, quota,
                List.of(new Member("sub-alice", "alice", TeamRole.OWNER)), CATALOGUE);
        TEAMS.put(slug, team);
        return team;
    }

    static GenericKubernetesResource clusterQueue(String instance, String slug) {
        return client.genericKubernetesResources(KueueResources.CLUSTER_QUEUE)
                .withName(KueueNames.clusterQueue(instance, slug)).get();
    }

    @SuppressWarnings("unchecked")
    static String nominal(GenericKubernetesResource queue, String flavor, String resource) {
        Map<String, Object> spec = (Map<String, Object>) queue.getAdditionalProperties().get("spec");
        for (Object group : (List<Object>) spec.get("resourceGroups")) {
            for (Object f : (List<Object>) ((Map<String, Object>) group).get("flavors")) {
                Map<String, Object> found = (Map<String, Object>) f;
                if (flavor.equals(found.get("name"))) {
                    for (Object r : (List<Object>) found.get("resources")) {
                        Map<String, Object> quota = (Map<String, Object>) r;
                        if (resource.equals(quota.get("name"))) {
                            return String.valueOf(quota.get("nominalQuota"));
                        }
                    }
                }
            }
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    static boolean active(GenericKubernetesResource queue) {
        Map<String, Object> status = (Map<String, Object>) queue.getAdditionalProperties().get("status");
        if (status == null || !(status.get("conditions") instanceof List<?> conditions)) {
            return false;
        }
        return conditions.stream().map(c -> (Map<String, Object>) c)
                .anyMatch(c -> "Active".equals(c.get("type")) && "True".equals(c.get("status")));
    }

    @Test
    void aTeamGetsAClusterQueueWithItsQuotaPerFlavorAndALocalQueueThatKueueMarksActive() {
        converge(team(slug, TeamState.ACTIVE, QUOTA));

        GenericKubernetesResource queue = clusterQueue(TestCluster.INSTANCE, slug);
        assertThat(queue).isNotNull();
        assertThat(queue.getMetadata().getLabels()).containsEntry("portal.ai/instance", TestCluster.INSTANCE)
                .containsEntry("portal.ai/team", slug);
        String a100 = KueueNames.gpuFlavor(TestCluster.INSTANCE, "NVIDIA-A100-SXM4-80GB");
        assertThat(nominal(queue, a100, "nvidia.com/gpu")).isEqualTo("4");
        assertThat(nominal(queue, KueueNames.gpuFlavor(TestCluster.INSTANCE, "Tesla-T4"), "nvidia.com/gpu"))
                .isEqualTo("0");
        assertThat(nominal(queue, KueueNames.defaultFlavor(TestCluster.INSTANCE), "cpu")).isEqualTo("8");
        GenericKubernetesResource local = client.genericKubernetesResources(KueueResources.LOCAL_QUEUE)
                .inNamespace(TeamNames.namespace(slug)).withName(KueueNames.LOCAL_QUEUE).get();
        assertThat(local).isNotNull();
        @SuppressWarnings("unchecked")
        Map<String, Object> localSpec = (Map<String, Object>) local.getAdditionalProperties().get("spec");
        assertThat(localSpec).containsEntry("clusterQueue", KueueNames.clusterQueue(TestCluster.INSTANCE, slug));
        await("Kueue marks the queue Active (its flavors exist)").atMost(TIMEOUT)
                .until(() -> active(clusterQueue(TestCluster.INSTANCE, slug)));
        for (var priority : ai.portal.platform.team.WorkloadPriority.values()) {
            assertThat(client.genericKubernetesResources(KueueResources.WORKLOAD_PRIORITY_CLASS)
                    .withName(KueueNames.priorityClass(TestCluster.INSTANCE, priority)).get()).isNotNull();
        }

        // Kueue counts a workload's requests after the namespace's LimitRange defaults, ephemeral storage included,
        // and admits nothing asking for a resource the queue does not cover: a Job that states no resources at all
        // is admitted (Kueue unsuspends it) because the queue covers ephemeral-storage
        String ns = TeamNames.namespace(slug);
        Job job = new JobBuilder().withNewMetadata().withName("says-nothing")
                .addToLabels("kueue.x-k8s.io/queue-name", KueueNames.LOCAL_QUEUE).endMetadata()
                .withNewSpec().withSuspend(true).withBackoffLimit(0).withNewTemplate().withSpec(
                        new PodSpecBuilder(TestCluster.restrictedPod("x", null).getSpec()).withRestartPolicy("Never")
                                .build())
                .endTemplate().endSpec().build();
        client.batch().v1().jobs().inNamespace(ns).resource(job).create();
        await("Kueue admits a Job that states no resources").atMost(TIMEOUT).until(() -> {
            Job live = client.batch().v1().jobs().inNamespace(ns).withName("says-nothing").get();
            return live != null && Boolean.FALSE.equals(live.getSpec().getSuspend());
        });
    }

    @Test
    void aQuotaChangeChangesTheQueueAndArchivingHoldsIt() {
        converge(team(slug, TeamState.ACTIVE, QUOTA));

        Quota more = new Quota("16", "64Gi", "100Gi", 10, 2, Map.of("NVIDIA-A100-SXM4-80GB", 2, "Tesla-T4", 2));
        converge(team(slug, TeamState.ARCHIVED, more));

        GenericKubernetesResource queue = clusterQueue(TestCluster.INSTANCE, slug);
        assertThat(nominal(queue, KueueNames.gpuFlavor(TestCluster.INSTANCE, "NVIDIA-A100-SXM4-80GB"),
                "nvidia.com/gpu")).isEqualTo("2");
        assertThat(nominal(queue, KueueNames.gpuFlavor(TestCluster.INSTANCE, "Tesla-T4"), "nvidia.com/gpu"))
                .isEqualTo("2");
        assertThat(nominal(queue, KueueNames.defaultFlavor(TestCluster.INSTANCE), "cpu")).isEqualTo("16");
        @SuppressWarnings("unchecked")
        Map<String, Object> spec = (Map<String, Object>) queue.getAdditionalProperties().get("spec");
        assertThat(spec).containsEntry("stopPolicy", "Hold");
    }

    @Test
    void aQueueEditedOrDeletedByHandIsRepaired() {
        converge(team(slug, TeamState.ACTIVE, QUOTA));
        await().atMost(TIMEOUT).until(view::isWatching);
        String name = KueueNames.clusterQueue(TestCluster.INSTANCE, slug);
        String a100 = KueueNames.gpuFlavor(TestCluster.INSTANCE, "NVIDIA-A100-SXM4-80GB");

        client.genericKubernetesResources(KueueResources.CLUSTER_QUEUE).withName(name).edit(queue -> {
            queue.getAdditionalProperties().put("spec", KueueResources.team(TestCluster.INSTANCE,
                    new TeamSnapshot(slug, "", "", TeamState.ACTIVE, new Quota("8", "32Gi", "1Gi", 1, 1,
                            Map.of("NVIDIA-A100-SXM4-80GB", 64)), List.of(), CATALOGUE), KueueProperties.DEFAULTS)
                    .getFirst().getAdditionalProperties().get("spec"));
            return queue;
        });
        await("a hand-made 64 GPUs go back to 4").atMost(TIMEOUT).until(() ->
                "4".equals(nominal(clusterQueue(TestCluster.INSTANCE, slug), a100, "nvidia.com/gpu")));

        client.genericKubernetesResources(KueueResources.LOCAL_QUEUE).inNamespace(TeamNames.namespace(slug))
                .withName(KueueNames.LOCAL_QUEUE).delete();
        await("the deleted LocalQueue comes back").atMost(TIMEOUT).until(() ->
                client.genericKubernetesResources(KueueResources.LOCAL_QUEUE).inNamespace(TeamNames.namespace(slug))
                        .withName(KueueNames.LOCAL_QUEUE).get() != null);
    }

    @Test
    void removingTheTeamRemovesItsQueuesAndLeavesAnotherInstallationsAlone() {
        converge(team(slug, TeamState.ACTIVE, QUOTA));
        ClusterView otherView = new ClusterView(client, "other-" + TestCluster.INSTANCE);
        KubernetesTeamSync other = new KubernetesTeamSync(client, otherView, ProvisioningProperties.defaults(),
                KueueProperties.DEFAULTS, new AppliedVersions());
        otherView.start();
        try {
            await().atMost(TIMEOUT).until(() -> KubernetesTeamSync.KUEUE_KINDS.stream().allMatch(otherView::serves));
            other.convergeInstallation(List.of("Tesla-T4")).block(TIMEOUT);
            // the other installation's queue for a team of the same name: its namespace is ours, so it is refused,
            // but its own installation objects exist beside ours
            String ours = KueueNames.gpuFlavor(TestCluster.INSTANCE, "NVIDIA-A100-SXM4-80GB");
            String theirs = KueueNames.gpuFlavor(otherView.instance(), "Tesla-T4");

            other.remove(slug).block(TIMEOUT);
            other.convergeInstallation(List.of()).block(TIMEOUT); // prunes the other installation's flavors only

            assertThat(clusterQueue(TestCluster.INSTANCE, slug)).as("our queue").isNotNull();
            assertThat(client.genericKubernetesResources(KueueResources.RESOURCE_FLAVOR).withName(ours).get())
                    .as("our flavor").isNotNull();
            await().atMost(TIMEOUT).until(() -> client.genericKubernetesResources(KueueResources.RESOURCE_FLAVOR)
                    .withName(theirs).get() == null);
        } finally {
            otherView.stop();
        }

        remove(slug);

        await("our queue is gone with the team").atMost(TIMEOUT)
                .until(() -> clusterQueue(TestCluster.INSTANCE, slug) == null);
        var namespace = client.namespaces().withName(TeamNames.namespace(slug)).get();
        assertThat(namespace == null || namespace.getMetadata().getDeletionTimestamp() != null).isTrue();
        assertThat(Objects.requireNonNull(client.genericKubernetesResources(KueueResources.RESOURCE_FLAVOR)
                .withName(KueueNames.defaultFlavor(TestCluster.INSTANCE)).get())).isNotNull();
    }
}
