package ai.portal.logs.metrics;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Which pods belong to a portal workload (the job runner labels them {@code portal.ai/workload=<name>}): the live
 * ones and, for a while, those already deleted, so a chart of the last hours still finds the GPUs a notebook held
 * before it was restarted. Read from the pod informer's events; lookups never block.
 */
public interface WorkloadPods {

    /** The workload's pods in a namespace, live ones first, then the most recently deleted. */
    List<WorkloadPod> of(String namespace, String workload);

    /** The workload a pod of the namespace belongs or belonged to. */
    Optional<String> workloadOf(String namespace, String pod);

    /**
     * @param deleted when the pod was seen deleted; null while it exists
     */
    record WorkloadPod(String name, String node, Instant deleted) {

        public boolean live() {
            return deleted == null;
        }
    }

    /** Without a cluster: no workload has known pods. */
    WorkloadPods NONE = new WorkloadPods() {
        @Override
        public List<WorkloadPod> of(String namespace, String workload) {
            return List.of();
        }

        @Override
        public Optional<String> workloadOf(String namespace, String pod) {
            return Optional.empty();
        }
    };
}
