package ai.portal.jobs.status;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import ai.portal.jobs.cluster.ClusterQueueView;
import ai.portal.jobs.cluster.GpuInventory;
import ai.portal.jobs.cluster.KueueWorkload;
import ai.portal.jobs.workload.WorkloadEvent;
import ai.portal.jobs.workload.WorkloadRecord;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;

/**
 * Everything the status of one workload is derived from, read from the informers (and the database for what is
 * gone) at one moment. Any part may be missing.
 *
 * @param pods           the workload's pods, newest first
 * @param events         Kubernetes events of its Job or StatefulSet and its pods, oldest first
 * @param lastPhase      the phase last recorded in its history
 * @param kueueServed    whether Kueue's API is there at all
 * @param teamQueue      the team's ClusterQueue
 * @param gpuFlavor      the ResourceFlavor of the workload's GPU type, when it has GPUs
 * @param position       its place in the queue, from Kueue's visibility API, when waiting
 * @param describeWorkload a Kueue Workload uid to words ("team-b's job train-7"), for "preempted by"
 */
public record Observation(WorkloadRecord workload, StatefulSet statefulSet, Job job, List<Pod> pods,
                          KueueWorkload kueue, List<Event> events, WorkloadEvent lastPhase, boolean kueueServed,
                          ClusterQueueView teamQueue, String gpuFlavor, QueuePosition position,
                          GpuInventory inventory, Function<String, Optional<String>> describeWorkload) {

    /** 0-based places as Kueue's visibility API gives them. */
    public record QueuePosition(int inLocalQueue, int inClusterQueue) {
    }
}
