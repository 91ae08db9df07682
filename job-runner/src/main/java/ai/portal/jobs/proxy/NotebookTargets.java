package ai.portal.jobs.proxy;

import java.util.Optional;
import java.util.UUID;

import ai.portal.jobs.cluster.ClusterState;
import ai.portal.jobs.workload.NotebookTokens;
import ai.portal.jobs.workload.WorkloadKind;
import ai.portal.jobs.workload.WorkloadNames;
import ai.portal.platform.team.PortalLabels;
import ai.portal.platform.team.TeamNames;
import io.fabric8.kubernetes.api.model.Pod;
import reactor.core.publisher.Mono;

/**
 * Where a notebook is served: its pod's IP from the pod informer (a Service's endpoints are not used: a loopback
 * pod IP, as on the local cluster, gets none, and JupyterHub's KubeSpawner connects to the pod IP too), and the
 * token its Jupyter server expects, derived from the namespace, the name and the pod's workload id
 * ({@link NotebookTokens}): no Secret is read. Only this installation's notebooks are found. The idle culler asks
 * Jupyter the same way.
 */
public class NotebookTargets {

    /** A notebook ready to take requests. The token never leaves the job runner. */
    public record Target(String podIp, int port, String token) {
        @Override
        public String toString() {
            return "Target[" + podIp + ":" + port + "]";
        }
    }

    /** Why no target: the notebook is not there, or not (yet) answering. */
    enum Missing { NOT_FOUND, NOT_RUNNING }

    static final class NoTarget extends RuntimeException {
        final Missing why;

        NoTarget(Missing why) {
            super(why.name(), null, false, false);
            this.why = why;
        }
    }

    private final ClusterState cluster;
    private final NotebookTokens tokens;

    NotebookTargets(ClusterState cluster, NotebookTokens tokens) {
        this.cluster = cluster;
        this.tokens = tokens;
    }

    /** The notebook's ready pod and its token; an error when it is not there or not ready. */
    public Mono<Target> find(String team, String name) {
        String namespace = TeamNames.namespace(team);
        Optional<Pod> pod = cluster.pod(namespace, name + "-0")
                .filter(found -> WorkloadKind.NOTEBOOK.wireName().equals(label(found, PortalLabels.WORKLOAD_KIND))
                        && name.equals(label(found, PortalLabels.WORKLOAD)));
        if (pod.isEmpty()) {
            boolean exists = cluster.statefulSet(namespace, name).isPresent();
            return Mono.error(new NoTarget(exists ? Missing.NOT_RUNNING : Missing.NOT_FOUND));
        }
        String ip = pod.get().getStatus() == null ? null : pod.get().getStatus().getPodIP();
        if (ip == null || ip.isBlank() || !ready(pod.get())) {
            return Mono.error(new NoTarget(Missing.NOT_RUNNING));
        }
        Optional<UUID> workload = workloadId(pod.get());
        if (workload.isEmpty()) {
            return Mono.error(new NoTarget(Missing.NOT_RUNNING));
        }
        return Mono.just(new Target(ip, WorkloadNames.NOTEBOOK_PORT, tokens.token(namespace, name, workload.get())));
    }

    private static Optional<UUID> workloadId(Pod pod) {
        try {
            return Optional.ofNullable(label(pod, WorkloadNames.WORKLOAD_ID_LABEL)).map(UUID::fromString);
        } catch (IllegalArgumentException notAnId) {
            return Optional.empty();
        }
    }

    private static boolean ready(Pod pod) {
        return pod.getStatus().getConditions() != null && pod.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    private static String label(io.fabric8.kubernetes.api.model.HasMetadata object, String key) {
        return object.getMetadata().getLabels() == null ? null : object.getMetadata().getLabels().get(key);
    }
}
