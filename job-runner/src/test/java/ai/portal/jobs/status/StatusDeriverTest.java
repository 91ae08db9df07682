package ai.portal.jobs.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import ai.portal.jobs.cluster.ClusterQueueView;
import ai.portal.jobs.cluster.GpuInventory;
import ai.portal.jobs.cluster.KueueWorkload;
import ai.portal.jobs.cluster.NodeCapacity;
import ai.portal.jobs.status.Observation.QueuePosition;
import ai.portal.jobs.workload.Desired;
import ai.portal.jobs.workload.Priority;
import ai.portal.jobs.workload.WorkloadKind;
import ai.portal.jobs.workload.WorkloadRecord;
import ai.portal.jobs.workload.WorkloadSpec;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

class StatusDeriverTest {

    static final KubernetesSerialization JSON = new KubernetesSerialization();
    static final String H100 = "NVIDIA-H100-80GB-HBM3";
    static final String FLAVOR = "inst-nvidia-h100-80gb-hbm3";
    static final UUID ID = UUID.fromString("11111111-2222-4333-8444-555555555555");

    static WorkloadRecord job(int gpus, Desired desired, String uid) {
        return new WorkloadRecord(ID, "team-a", "train", WorkloadKind.JOB, "sub", "alice",
                new WorkloadSpec("img:1", null, "1", "1Gi", gpus > 0 ? H100 : null, gpus, null, List.of(), List.of(),
                        List.of(), 3600L, 2, Priority.NORMAL, Map.of()),
                desired, false, uid, Instant.EPOCH, Instant.EPOCH, null);
    }

    static WorkloadRecord notebook(Desired desired) {
        return new WorkloadRecord(ID, "team-a", "nb", WorkloadKind.NOTEBOOK, "sub", "alice",
                new WorkloadSpec("img:1", null, "1", "1Gi", H100, 1, "10Gi", null, null, null, null, null,
                        Priority.NORMAL, null),
                desired, false, "uid", Instant.EPOCH, Instant.EPOCH, null);
    }

    static KueueWorkload kueue(String conditions) {
        return KueueWorkload.of(JSON.unmarshal("""
                {"apiVersion": "kueue.x-k8s.io/v1beta2", "kind": "Workload",
                 "metadata": {"name": "job-train-abcde", "namespace": "team-team-a", "uid": "w-1",
                              "creationTimestamp": "2026-01-01T00:00:00Z",
                              "ownerReferences": [{"apiVersion": "batch/v1", "kind": "Job", "name": "train",
                                                   "uid": "uid", "controller": true}]},
                 "spec": {"queueName": "team", "priority": 0, "podSets": [{"name": "main", "count": 1,
                   "template": {"spec": {"containers": [{"name": "main", "resources":
                     {"requests": {"nvidia.com/gpu": "4", "cpu": "1"}}}]}}}]},
                 "status": {"conditions": %s}}""".formatted(conditions), GenericKubernetesResource.class));
    }

    static ClusterQueueView queue(int nominal, int used, String cohort) {
        return ClusterQueueView.of(JSON.unmarshal("""
                {"apiVersion": "kueue.x-k8s.io/v1beta2", "kind": "ClusterQueue",
                 "metadata": {"name": "inst-team-team-a"},
                 "spec": {%s "resourceGroups": [{"coveredResources": ["nvidia.com/gpu"], "flavors": [
                   {"name": "%s", "resources": [{"name": "nvidia.com/gpu", "nominalQuota": "%d"}]}]}]},
                 "status": {"flavorsReservation": [{"name": "%s", "resources": [{"name": "nvidia.com/gpu",
                   "total": "%d", "borrowed": "0"}]}], "conditions": [{"type": "Active", "status": "True",
                   "reason": "Ready", "message": "Can admit new workloads", "lastTransitionTime": "2026-01-01T00:00:00Z"}]}}
                """.formatted(cohort == null ? "" : "\"cohortName\": \"" + cohort + "\",", FLAVOR, nominal, FLAVOR,
                used), GenericKubernetesResource.class));
    }

    static Job suspendedJob() {
        return new JobBuilder().withNewMetadata().withName("train").withUid("uid").endMetadata()
                .withNewSpec().withSuspend(true).endSpec().build();
    }

    static Observation observe(WorkloadRecord workload, Job job, List<Pod> pods, KueueWorkload kueue,
                               ClusterQueueView queue, QueuePosition position, List<Event> events,
                               GpuInventory inventory) {
        return new Observation(workload, null, job, pods, kueue, events, null, true, queue, FLAVOR, position,
                inventory, uid -> "w-9".equals(uid) ? Optional.of("team b's job big") : Optional.empty());
    }

    static final String PENDING_QUOTA = """
            [{"type": "QuotaReserved", "status": "False", "reason": "Pending", "lastTransitionTime": "2026-01-01T00:00:01Z",
              "message": "couldn't assign flavors to pod set main: insufficient unused quota for nvidia.com/gpu in flavor inst-nvidia-h100-80gb-hbm3, 4 more needed"}]""";

    @Test
    void queuedJobSaysWhoseQuotaIsFullAndHowManyAreAhead() {
        WorkloadStatus status = StatusDeriver.derive(observe(job(4, Desired.RUNNING, "uid"), suspendedJob(), List.of(),
                kueue(PENDING_QUOTA), queue(8, 8, null), new QueuePosition(2, 2), List.of(), null));
        assertThat(status.phase()).isEqualTo(Phase.PENDING);
        assertThat(status.stage()).isEqualTo(Phase.Stage.QUEUED);
        assertThat(status.reason().code()).isEqualTo("team-quota-full");
        assertThat(status.reason().text()).isEqualTo("team team-a is using 8 of 8 H100 GPUs; 2 workloads are ahead of yours");
        assertThat(status.reason().args()).containsEntry("used", "8").containsEntry("quota", "8").containsEntry("ahead", 2);
        assertThat(status.queue().positionInTeam()).isEqualTo(3);
        assertThat(status.queue().positionInClusterQueue()).isEqualTo(3);
    }

    @Test
    void memoryAndNodeLocalDiskReadInGibibytes() {
        // Kueue's "insufficient unused quota for ephemeral-storage" names the team's disk quota in bytes
        assertThat(StatusDeriver.plain("ephemeral-storage", new BigDecimal(500L << 30))).isEqualTo("500 GiB");
        assertThat(StatusDeriver.plain("memory", new BigDecimal(3L << 29))).isEqualTo("1.5 GiB");
        assertThat(StatusDeriver.plain("cpu", new BigDecimal("2.5"))).isEqualTo("2.5");
    }

    @Test
    void inACohortItSaysNothingCanBeBorrowed() {
        WorkloadStatus status = StatusDeriver.derive(observe(job(4, Desired.RUNNING, "uid"), suspendedJob(), List.of(),
                kueue(PENDING_QUOTA), queue(8, 8, "inst"), new QueuePosition(0, 0), List.of(), null));
        assertThat(status.reason().text()).isEqualTo(
                "team team-a is using 8 of 8 H100 GPUs; no idle H100 GPUs of other teams can be borrowed now");
    }

    @Test
    void preemptedJobSaysByWhom() {
        String preempted = """
                [{"type": "QuotaReserved", "status": "False", "reason": "Pending", "message": "", "lastTransitionTime": "2026-01-01T00:00:05Z"},
                 {"type": "Evicted", "status": "True", "reason": "Preempted", "message": "Preempted to accommodate a workload (UID: w-9, JobUID: j-9) due to reclamation within the cohort", "lastTransitionTime": "2026-01-01T00:00:04Z"},
                 {"type": "Preempted", "status": "True", "reason": "InCohortReclamation", "message": "Preempted to accommodate a workload (UID: w-9, JobUID: j-9) due to reclamation within the cohort", "lastTransitionTime": "2026-01-01T00:00:04Z"}]""";
        WorkloadStatus status = StatusDeriver.derive(observe(job(4, Desired.RUNNING, "uid"), suspendedJob(), List.of(),
                kueue(preempted), queue(0, 0, "inst"), new QueuePosition(0, 0), List.of(), null));
        assertThat(status.reason().code()).isEqualTo("preempted");
        assertThat(status.reason().text()).startsWith("team b's job big reclaimed quota that this workload had borrowed");
    }

    @Test
    void admittedButNoNodeSaysWhichNodesLackGpus() {
        String admitted = """
                [{"type": "QuotaReserved", "status": "True", "reason": "QuotaReserved", "message": "", "lastTransitionTime": "2026-01-01T00:00:05Z"},
                 {"type": "Admitted", "status": "True", "reason": "Admitted", "message": "", "lastTransitionTime": "2026-01-01T00:00:05Z"}]""";
        Job running = new JobBuilder(suspendedJob()).editSpec().withSuspend(false).endSpec().build();
        Pod pending = new PodBuilder().withNewMetadata().withName("train-x").endMetadata()
                .withNewStatus().withPhase("Pending").endStatus().build();
        GpuInventory inventory = new GpuInventory(List.of(
                new NodeCapacity("h1", H100, Map.of("nvidia.com/gpu", java.math.BigDecimal.valueOf(8)),
                        Map.of("nvidia.com/gpu", java.math.BigDecimal.valueOf(6)), true)));
        Event scheduler = new EventBuilder().withReason("FailedScheduling")
                .withMessage("0/13 nodes are available: 4 Insufficient nvidia.com/gpu.")
                .withNewInvolvedObject().withKind("Pod").withName("train-x").endInvolvedObject().build();
        WorkloadStatus status = StatusDeriver.derive(observe(job(4, Desired.RUNNING, "uid"), running,
                List.of(pending), kueue(admitted), queue(8, 4, null), null, List.of(scheduler), inventory));
        assertThat(status.stage()).isEqualTo(Phase.Stage.SCHEDULING);
        assertThat(status.reason().text()).isEqualTo("no H100 node has 4 free GPUs (the most free on one node: 2)");

        // the scheduler holds a node for it (gpu-fit's nomination): the reason says it will start there
        Pod held = new PodBuilder(pending).editStatus().withNominatedNodeName("h1").endStatus().build();
        WorkloadStatus waiting = StatusDeriver.derive(observe(job(4, Desired.RUNNING, "uid"), running,
                List.of(held), kueue(admitted), queue(8, 4, null), null, List.of(scheduler), inventory));
        assertThat(waiting.reason().code()).isEqualTo("node-held");
        assertThat(waiting.reason().text()).isEqualTo("no H100 node has 4 free GPUs (the most free on one node: 2);"
                + " node h1 is kept for it and it starts there as the workloads on it finish");
        assertThat(waiting.reason().args()).containsEntry("node", "h1").containsEntry("largestFree", 2);
    }

    @Test
    void failedJobShowsAttemptsAndTheLastExitCode() {
        Job failed = new JobBuilder(suspendedJob()).editSpec().withSuspend(false).endSpec()
                .withNewStatus().withFailed(3).addNewCondition().withType("Failed").withStatus("True")
                .withReason("BackoffLimitExceeded").withLastTransitionTime("2026-01-01T00:10:00Z").endCondition()
                .endStatus().build();
        Pod last = new PodBuilder().withNewMetadata().withName("train-z").endMetadata().withNewStatus()
                .withPhase("Failed").addNewContainerStatus().withName("main").withNewState().withNewTerminated()
                .withExitCode(1).withReason("Error").endTerminated().endState().endContainerStatus().endStatus().build();
        WorkloadStatus status = StatusDeriver.derive(observe(job(0, Desired.RUNNING, "uid"), failed, List.of(last),
                null, null, null, List.of(), null));
        assertThat(status.phase()).isEqualTo(Phase.FAILED);
        assertThat(status.reason().text()).isEqualTo("failed 3 times (last exit code 1, Error); retries: 2");
        assertThat(status.exit().code()).isEqualTo(1);
        assertThat(status.attempts()).isEqualTo(3);
    }

    @Test
    void jobThatRanOutOfTimeSaysItsMaxRuntime() {
        Job failed = new JobBuilder(suspendedJob()).editSpec().withSuspend(false).endSpec()
                .withNewStatus().withFailed(1).addNewCondition().withType("Failed").withStatus("True")
                .withReason("DeadlineExceeded").endCondition().endStatus().build();
        WorkloadStatus status = StatusDeriver.derive(observe(job(0, Desired.RUNNING, "uid"), failed, List.of(), null,
                null, null, List.of(), null));
        assertThat(status.reason().text()).isEqualTo("stopped after its max runtime of 60 min");
    }

    @Test
    void namespaceQuotaRefusalIsBlocked() {
        Job running = new JobBuilder(suspendedJob()).editSpec().withSuspend(false).endSpec().build();
        Event refused = new EventBuilder().withReason("FailedCreate")
                .withMessage("Error creating: pods \"train-1\" is forbidden: exceeded quota: team-quota, requested: requests.cpu=1")
                .withNewInvolvedObject().withKind("Job").withName("train").endInvolvedObject().build();
        String admitted = """
                [{"type": "QuotaReserved", "status": "True", "reason": "QuotaReserved", "message": "", "lastTransitionTime": "2026-01-01T00:00:05Z"}]""";
        WorkloadStatus status = StatusDeriver.derive(observe(job(0, Desired.RUNNING, "uid"), running, List.of(),
                kueue(admitted), queue(8, 0, null), null, List.of(refused), null));
        assertThat(status.stage()).isEqualTo(Phase.Stage.BLOCKED);
        assertThat(status.reason().code()).isEqualTo("namespace-quota");
    }

    @Test
    void notebookIsRunningOnlyOnceReady() {
        Pod starting = new PodBuilder().withNewMetadata().withName("nb-0").endMetadata()
                .withNewSpec().withNodeName("sim-h100-0").endSpec()
                .withNewStatus().withPhase("Running").addNewCondition().withType("Ready").withStatus("False")
                .endCondition().endStatus().build();
        var set = new io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder().withNewMetadata().withName("nb")
                .endMetadata().build();
        Observation seen = new Observation(notebook(Desired.RUNNING), set, null, List.of(starting), null, List.of(),
                null, true, null, FLAVOR, null, null, uid -> Optional.empty());
        assertThat(StatusDeriver.derive(seen).stage()).isEqualTo(Phase.Stage.STARTING);
        Pod ready = new PodBuilder(starting).editStatus().editFirstCondition().withStatus("True").endCondition()
                .endStatus().build();
        Observation running = new Observation(notebook(Desired.RUNNING), set, null, List.of(ready), null, List.of(),
                null, true, null, FLAVOR, null, null, uid -> Optional.empty());
        assertThat(StatusDeriver.derive(running).phase()).isEqualTo(Phase.RUNNING);
        assertThat(StatusDeriver.derive(running).node()).isEqualTo("sim-h100-0");
    }

    @Test
    void stoppedNotebookIsStoppingUntilItsPodIsGone() {
        Pod pod = new PodBuilder().withNewMetadata().withName("nb-0").endMetadata().build();
        Observation stopping = new Observation(notebook(Desired.STOPPED), null, null, List.of(pod), null, List.of(),
                null, true, null, FLAVOR, null, null, uid -> Optional.empty());
        assertThat(StatusDeriver.derive(stopping).phase()).isEqualTo(Phase.STOPPING);
        Observation stopped = new Observation(notebook(Desired.STOPPED), null, null, List.of(), null, List.of(), null,
                true, null, FLAVOR, null, null, uid -> Optional.empty());
        assertThat(StatusDeriver.derive(stopped).phase()).isEqualTo(Phase.STOPPED);
    }

    @Test
    void aJobWhosePodSucceededIsNotPendingAgainBeforeTheJobControllerSaysSo() {
        Job running = new JobBuilder(suspendedJob()).editSpec().withSuspend(false).endSpec().build();
        Pod done = new PodBuilder().withNewMetadata().withName("train-x").endMetadata()
                .withNewSpec().withNodeName("sim-h100-0").endSpec()
                .withNewStatus().withPhase("Succeeded").endStatus().build();
        WorkloadStatus finishing = StatusDeriver.derive(observe(job(1, Desired.RUNNING, "uid"), running,
                List.of(done), null, queue(8, 1, null), null, List.of(), null));
        assertThat(finishing.phase()).isEqualTo(Phase.RUNNING);
        assertThat(finishing.reason().code()).isEqualTo("finishing");
        Job met = new JobBuilder(running).withNewStatus().addNewCondition().withType("SuccessCriteriaMet")
                .withStatus("True").endCondition().endStatus().build();
        assertThat(StatusDeriver.derive(observe(job(1, Desired.RUNNING, "uid"), met, List.of(done), null,
                queue(8, 1, null), null, List.of(), null)).phase()).isEqualTo(Phase.SUCCEEDED);
    }

    @Test
    void stoppedNotebookIsStoppingWhileKueueStillHoldsItsQuota() {
        String reserved = """
                [{"type": "QuotaReserved", "status": "True", "reason": "QuotaReserved", "message": "", "lastTransitionTime": "2026-01-01T00:00:05Z"},
                 {"type": "Admitted", "status": "True", "reason": "Admitted", "message": "", "lastTransitionTime": "2026-01-01T00:00:05Z"}]""";
        Observation holding = new Observation(notebook(Desired.STOPPED), null, null, List.of(), kueue(reserved),
                List.of(), null, true, null, FLAVOR, null, null, uid -> Optional.empty());
        assertThat(StatusDeriver.derive(holding).phase()).isEqualTo(Phase.STOPPING);
        String finished = reserved.replace("]", ", {\"type\": \"Finished\", \"status\": \"True\", \"reason\": "
                + "\"Succeeded\", \"message\": \"\", \"lastTransitionTime\": \"2026-01-01T00:01:00Z\"}]");
        Observation released = new Observation(notebook(Desired.STOPPED), null, null, List.of(), kueue(finished),
                List.of(), null, true, null, FLAVOR, null, null, uid -> Optional.empty());
        assertThat(StatusDeriver.derive(released).phase()).isEqualTo(Phase.STOPPED);
    }

    @Test
    void withoutKueueNothingCanBeAdmittedAndItSaysSo() {
        Observation seen = new Observation(job(1, Desired.RUNNING, "uid"), null, suspendedJob(), List.of(), null,
                List.of(), null, false, null, FLAVOR, null, null, uid -> Optional.empty());
        assertThat(StatusDeriver.derive(seen).reason().code()).isEqualTo("kueue-unavailable");
    }

    @Test
    void aJobDeletedOutsideThePortalIsNotRerunButSaidSo() {
        Observation seen = new Observation(job(1, Desired.RUNNING, "uid"), null, null, List.of(), null, List.of(),
                null, true, null, FLAVOR, null, null, uid -> Optional.empty());
        assertThat(StatusDeriver.derive(seen).reason().code()).isEqualTo("job-deleted");
        Observation neverCreated = new Observation(job(1, Desired.RUNNING, null), null, null, List.of(), null,
                List.of(), null, true, null, FLAVOR, null, null, uid -> Optional.empty());
        assertThat(StatusDeriver.derive(neverCreated).stage()).isEqualTo(Phase.Stage.CREATING);
    }
}
