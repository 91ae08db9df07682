package ai.portal.jobs.usage;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import ai.portal.jobs.cluster.NodeCapacity;
import ai.portal.jobs.serving.ServingResources;
import ai.portal.jobs.tracking.TrackingResources;
import ai.portal.jobs.workload.WorkloadNames;
import ai.portal.platform.team.GpuResources;
import ai.portal.platform.team.PortalLabels;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;

/**
 * One stretch of time a pod of a workload or of a model deployment ran, with what it held meanwhile (its requests:
 * what the scheduler and the quota reserved for it). Derived from a pod as the informer shows it. Pure.
 *
 * @param workloadId      the notebook or job the pod belongs to; null for a model server's pod
 * @param modelDeployment the model deployment (by name, in {@code team}) the pod serves; null for a workload's pod
 * @param end             null while it runs
 */
public record RunningInterval(UUID workloadId, String modelDeployment, String podUid, Instant start, Instant end,
                              String team, String ownerSubject, String gpuType, int gpus, long cpuMillis,
                              long memoryBytes) {

    /** The interval a pod stands for now, if it has started running; empty for pods that never ran. */
    public static Optional<RunningInterval> of(Pod pod) {
        Map<String, String> labels = pod.getMetadata().getLabels();
        if (labels == null || pod.getStatus() == null) {
            return Optional.empty();
        }
        String modelDeployment = ServingResources.COMPONENT.equals(labels.get(TrackingResources.COMPONENT_LABEL))
                ? labels.get(ServingResources.DEPLOYMENT_LABEL) : null;
        if (labels.get(WorkloadNames.WORKLOAD_ID_LABEL) == null && modelDeployment == null) {
            return Optional.empty();
        }
        ContainerStatus container = pod.getStatus().getContainerStatuses() == null
                || pod.getStatus().getContainerStatuses().isEmpty() ? null
                : pod.getStatus().getContainerStatuses().getFirst();
        Instant start = null;
        Instant end = null;
        if (container != null && container.getState() != null) {
            if (container.getState().getRunning() != null) {
                start = parse(container.getState().getRunning().getStartedAt());
            } else if (container.getState().getTerminated() != null) {
                start = parse(container.getState().getTerminated().getStartedAt());
                end = parse(container.getState().getTerminated().getFinishedAt());
            }
        }
        if (start == null && "Running".equals(pod.getStatus().getPhase())) {
            start = parse(pod.getStatus().getStartTime());
        }
        if (start == null) {
            return Optional.empty();
        }
        UUID id = null;
        if (modelDeployment == null) {
            try {
                id = UUID.fromString(labels.get(WorkloadNames.WORKLOAD_ID_LABEL));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
        Map<String, BigDecimal> requests = NodeCapacity.podRequests(pod);
        String gpuType = pod.getSpec().getNodeSelector() == null ? ""
                : pod.getSpec().getNodeSelector().getOrDefault(GpuResources.PRODUCT_LABEL, "");
        int gpus = requests.getOrDefault(GpuResources.RESOURCE, BigDecimal.ZERO).intValue();
        return Optional.of(new RunningInterval(id, modelDeployment, pod.getMetadata().getUid(), start, end,
                labels.getOrDefault(PortalLabels.TEAM, ""), labels.getOrDefault(PortalLabels.OWNER, ""),
                gpus == 0 ? "" : gpuType, gpus,
                requests.getOrDefault(NodeCapacity.CPU, BigDecimal.ZERO).movePointRight(3).longValue(),
                requests.getOrDefault(NodeCapacity.MEMORY, BigDecimal.ZERO).longValue()));
    }

    private static Instant parse(String value) {
        return value == null || value.isBlank() ? null : Instant.parse(value);
    }
}
