package ai.portal.tenant.provisioning;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;

import ai.portal.platform.team.KueueNames;
import ai.portal.platform.team.TeamNames;
import ai.portal.platform.team.TeamRole;
import ai.portal.tenant.cluster.ClusterView;
import ai.portal.tenant.domain.Member;
import ai.portal.tenant.domain.Quota;
import ai.portal.tenant.domain.TeamSnapshot;
import ai.portal.tenant.domain.TeamState;
import ai.portal.testing.TestStack;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * The real cluster the provisioning tests run against: the one {@code KUBECONFIG} points at (the lead's
 * {@code ./portal test} starts infra/local-cluster once per run and exports it). No cluster, no test: these tests
 * fail rather than pass against a mock that does no admission. And never a cluster the project did not start: the
 * kubeconfig must lie in a local cluster's state folder, so a {@code KUBECONFIG} pointing at a shared or production
 * cluster stops the tests before they touch it.
 */
public final class TestCluster {

    private static final SecureRandom RANDOM = new SecureRandom();
    /** The installation id of this test run's syncs: their objects are theirs alone. */
    static final String INSTANCE = "test-" + randomSuffix(6);

    private TestCluster() {
    }

    /** A client of the suite's cluster, patient with an API server on a loaded machine (60 s per request). */
    public static KubernetesClient connect() {
        Config config = Config.fromKubeconfig(kubeconfigFile());
        config.setRequestTimeout(60_000);
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    /** A cluster view of this run's installation, not started yet. */
    static ClusterView view(KubernetesClient client) {
        return new ClusterView(client, INSTANCE);
    }

    /**
     * The kubeconfig file of the suite's cluster; fails clearly when there is none, or when it is not a cluster of
     * {@code infra/local-cluster} (its state folder has {@code run/cluster.env} and the simulated kubelet's logs).
     */
    public static File kubeconfigFile() {
        // ./portal test exports it; by hand, the stack of ./portal up says where its cluster is
        String kubeconfig = TestStack.get().values().containsKey("KUBECONFIG")
                ? String.valueOf(TestStack.get().values().get("KUBECONFIG")) : null;
        if (kubeconfig == null || kubeconfig.isBlank()) {
            throw new IllegalStateException("KUBECONFIG is not set. The provisioning tests need a real Kubernetes API "
                    + "server: start one with `CLUSTER_STATE=/tmp/prov-cluster infra/local-cluster/cluster.sh start` "
                    + "and export KUBECONFIG=/tmp/prov-cluster/kubeconfig (./portal test does both).");
        }
        File file = new File(kubeconfig.split(File.pathSeparator)[0]);
        if (!file.isFile()) {
            throw new IllegalStateException("KUBECONFIG=" + kubeconfig + " does not name a readable file");
        }
        Path state = file.toPath().toAbsolutePath().getParent();
        if (!Files.isRegularFile(state.resolve("run").resolve("cluster.env"))
                || !Files.isDirectory(state.resolve("var").resolve("log"))) {
            throw new IllegalStateException("KUBECONFIG=" + kubeconfig + " is not a cluster of infra/local-cluster "
                    + "(no run/cluster.env and var/log beside it): the tests create and delete namespaces, so they "
                    + "only run against a cluster the project started itself");
        }
        return file;
    }

    /** A slug no other test (or earlier run) uses. */
    static String uniqueSlug(String prefix) {
        return prefix + "-" + randomSuffix(6);
    }

    static String randomSuffix(int length) {
        StringBuilder suffix = new StringBuilder();
        for (int i = 0; i < length; i++) {
            suffix.append("abcdefghijklmnopqrstuvwxyz0123456789".charAt(RANDOM.nextInt(36)));
        }
        return suffix.toString();
    }

    static TeamSnapshot team(String slug, TeamState state, Quota quota) {
        return new TeamSnapshot(slug, "Team " + slug, "provisioning test", state, quota,
                List.of(new Member("sub-alice", "alice", TeamRole.OWNER)));
    }

    static final Quota SMALL = new Quota("2", "4Gi", "10Gi", 3, 1, Map.of("NVIDIA-A100-SXM4-80GB", 2, "Tesla-T4", 1));

    /**
     * Deletes the namespace without waiting (the namespace controller finishes in the background) and the team's
     * ClusterQueue, which is cluster-scoped, when the cluster has Kueue.
     */
    static void cleanUp(KubernetesClient client, String slug) {
        client.namespaces().withName(TeamNames.namespace(slug)).delete();
        if (client.supports(KueueResources.API_GROUP + "/" + KueueResources.API_VERSION, "ClusterQueue")) {
            client.genericKubernetesResources(KueueResources.CLUSTER_QUEUE)
                    .withName(KueueNames.clusterQueue(INSTANCE, slug)).delete();
        }
    }

    /** A pod that Pod Security {@code restricted} admits; {@code cpu == null} states no resources at all. */
    static Pod restrictedPod(String name, String cpu) {
        var builder = new PodBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec()
                .withNewSecurityContext().withRunAsNonRoot(true).withRunAsUser(1000L)
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile().endSecurityContext()
                .addNewContainer().withName("main").withImage("registry.invalid/sleep:1")
                .withNewSecurityContext().withAllowPrivilegeEscalation(false)
                .withNewCapabilities().withDrop("ALL").endCapabilities().endSecurityContext();
        if (cpu != null) {
            builder = builder.withNewResources()
                    .withRequests(Map.of("cpu", new Quantity(cpu), "memory", new Quantity("128Mi")))
                    .withLimits(Map.of("memory", new Quantity("128Mi")))
                    .endResources();
        }
        return builder.endContainer().endSpec().build();
    }
}
