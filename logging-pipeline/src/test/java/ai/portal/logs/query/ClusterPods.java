package ai.portal.logs.query;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import ai.portal.localcluster.LocalCluster;
import ai.portal.testing.TestStack;
import ai.portal.platform.team.TeamNames;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.springframework.test.context.DynamicPropertyRegistry;

import static org.awaitility.Awaitility.await;

/**
 * Pods on the REAL local cluster ({@code infra/local-cluster}: API server, KWOK nodes, the sim-agent writing
 * kubelet-style CRI files) for the tests that follow a pod's lines through the service.
 *
 * <p>Which cluster: the fixture's own resolution ({@code KUBECONFIG_LOCAL_CLUSTER} + {@code PORTAL_CLUSTER_STATE}
 * as {@code ./portal test} exports them, or {@code PORTAL_CLUSTER_STATE} alone). When neither is set, the cluster of
 * the stack these tests already use for Keycloak ({@code ./portal up}: {@code KUBECONFIG} of its
 * {@code stack.env}, when its folder is a local cluster's state folder); only without that does the fixture start
 * a cluster of its own (test ports, {@code target/local-cluster-state}).
 */
final class ClusterPods {

    static final String CONTAINER = "main";
    static final String WORKLOAD_LABEL = "portal.ai/workload";

    private ClusterPods() {
    }

    static synchronized LocalCluster cluster() {
        if (setting("KUBECONFIG_LOCAL_CLUSTER").isEmpty() && setting("PORTAL_CLUSTER_STATE").isEmpty()) {
            Object kubeconfig = TestStack.get().values().get("KUBECONFIG");
            if (kubeconfig instanceof String file && !file.isBlank() && Files.isRegularFile(Path.of(file))) {
                Path state = Path.of(file).toAbsolutePath().getParent();
                // only a local cluster's state folder (never a real cluster someone pointed KUBECONFIG at)
                if (Files.isRegularFile(state.resolve("run").resolve("cluster.env"))
                        && Files.isDirectory(state.resolve("var").resolve("log").resolve("containers"))) {
                    System.setProperty("KUBECONFIG_LOCAL_CLUSTER", file);
                    System.setProperty("PORTAL_CLUSTER_STATE", state.toString());
                }
            }
        }
        return LocalCluster.shared();
    }

    static Path containerLogDir() {
        return cluster().containerLogDir().orElseThrow(() -> new AssertionError(
                "these tests read the simulated kubelet's log files: give PORTAL_CLUSTER_STATE with KUBECONFIG_LOCAL_CLUSTER"));
    }

    /**
     * Points the service at the cluster: the {@code KUBECONFIG} its configuration condition reads, and fabric8's
     * {@code kubeconfig} system property, which the client it builds reads first (cleared by {@link #forget()}).
     */
    static void wire(DynamicPropertyRegistry registry) {
        String kubeconfig = cluster().kubeconfig().toAbsolutePath().toString();
        System.setProperty(Config.KUBERNETES_KUBECONFIG_FILE, kubeconfig);
        registry.add("KUBECONFIG", () -> kubeconfig);
        registry.add("portal.logs.kubernetes.enabled", () -> "true");
    }

    static void forget() {
        System.clearProperty(Config.KUBERNETES_KUBECONFIG_FILE);
    }

    static KubernetesClient admin() {
        return cluster().admin();
    }

    static String suffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    /** The team's namespace {@code team-<team>}, created when missing (after an earlier run's deletion finished). */
    static String teamNamespace(String team) {
        String name = TeamNames.namespace(team);
        KubernetesClient k = admin();
        await("namespace " + name + " not terminating").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    Namespace ns = k.namespaces().withName(name).get();
                    return ns == null || ns.getMetadata().getDeletionTimestamp() == null;
                });
        if (k.namespaces().withName(name).get() == null) {
            try {
                k.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name)
                        .addToLabels("app.kubernetes.io/managed-by", "logging-pipeline-test").endMetadata().build()).create();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
            }
        }
        // ServiceAccount admission refuses pods until the serviceaccount controller has made "default"
        k.serviceAccounts().inNamespace(name).withName("default").waitUntilCondition(Objects::nonNull, 1, TimeUnit.MINUTES);
        return name;
    }

    static void deleteNamespace(String name) {
        if (name != null) {
            admin().namespaces().withName(name).delete();
        }
    }

    /**
     * A long-running pod (a CPU-only container {@value #CONTAINER}) whose simulated container logs training lines
     * every 200 ms, labelled with {@code portal.ai/workload=<workload>}.
     */
    static Pod createPod(String namespace, String name, String workload) {
        Pod pod = new PodBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace)
                .addToLabels(WORKLOAD_LABEL, workload)
                .addToLabels("app.kubernetes.io/name", "log-producer")
                .addToAnnotations("sim.portal.ai/log-profile", "training")
                .addToAnnotations("sim.portal.ai/log-interval", "200ms")
                .endMetadata()
                .withNewSpec()
                .addNewContainer().withName(CONTAINER).withImage("registry.example/ai-portal/trainer:1.0")
                .withNewResources()
                .addToRequests("cpu", new Quantity("100m")).addToRequests("memory", new Quantity("128Mi"))
                .addToLimits("memory", new Quantity("128Mi"))
                .endResources()
                .endContainer()
                .withTerminationGracePeriodSeconds(0L)
                .endSpec()
                .build();
        return admin().pods().inNamespace(namespace).resource(pod).create();
    }

    /** Waits until the pod is Running with a container id (KWOK) and its CRI file has at least {@code lines} lines (sim-agent). */
    static RunningPod awaitRunning(String namespace, String name, int lines) {
        Pod pod = admin().pods().inNamespace(namespace).withName(name).waitUntilCondition(p -> p != null
                && p.getStatus() != null && "Running".equals(p.getStatus().getPhase())
                && p.getStatus().getContainerStatuses() != null && !p.getStatus().getContainerStatuses().isEmpty()
                && p.getStatus().getContainerStatuses().getFirst().getContainerID() != null, 2, TimeUnit.MINUTES);
        String containerId = pod.getStatus().getContainerStatuses().getFirst().getContainerID().replaceFirst("^[a-z]+://", "");
        Path file = containerLogDir().resolve(name + "_" + namespace + "_" + CONTAINER + "-" + containerId + ".log");
        RunningPod running = new RunningPod(pod, containerId, file);
        await("CRI file " + file + " with " + lines + " lines").atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(100)).until(() -> running.lines().size() >= lines);
        return running;
    }

    /** One line of a CRI file: {@code <time> <stream> <tag> <message>}. */
    record CriRecord(Instant time, String stream, String message) {
    }

    record RunningPod(Pod pod, String containerId, Path file) {

        String name() {
            return pod.getMetadata().getName();
        }

        /** The file's complete lines as the sim-agent wrote them (all {@code F}: its lines are short). */
        List<CriRecord> lines() {
            if (!Files.exists(file)) {
                return List.of();
            }
            try {
                String text = Files.readString(file);
                int end = text.lastIndexOf('\n');
                return end < 0 ? List.of() : text.substring(0, end).lines().map(line -> {
                    String[] parts = line.split(" ", 4);
                    return new CriRecord(Instant.parse(parts[0]), parts[1], parts.length > 3 ? parts[3] : "");
                }).toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        Map<String, String> labels() {
            return pod.getMetadata().getLabels();
        }
    }

    private static Optional<String> setting(String key) {
        String v = System.getProperty(key);
        if (v == null || v.isBlank()) {
            v = System.getenv(key);
        }
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v);
    }
}
