package ai.portal.jobs.status;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ai.portal.jobs.cluster.ClusterQueueView;
import ai.portal.jobs.cluster.Condition;
import ai.portal.jobs.cluster.GpuInventory;
import ai.portal.jobs.cluster.KueueWorkload;
import ai.portal.jobs.status.Phase.Stage;
import ai.portal.jobs.workload.Desired;
import ai.portal.jobs.workload.WorkloadRecord;
import ai.portal.jobs.workload.WorkloadSpec;
import ai.portal.platform.team.GpuResources;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;

/**
 * Turns an {@link Observation} into the {@link WorkloadStatus} people see: the phase, and a reason in plain words
 * built from Kueue's conditions, the team queue's usage, the scheduler's events and the pods' container states.
 * Pure: the same observation always gives the same status, so every sentence is unit-tested.
 *
 * <p>The queue's ETA is not computed here (it needs the rest of the queue); {@link WorkloadStatus#queue()} carries
 * only the positions, and the status service adds the estimate.
 */
public final class StatusDeriver {

    /** Kueue: "couldn't assign flavors to pod set main: insufficient unused quota for nvidia.com/gpu in flavor x, 4 more needed". */
    static final Pattern INSUFFICIENT = Pattern.compile(
            "insufficient (?:unused )?quota for ([^ ,]+) in flavor ([^ ,]+)(?:, (?:(\\S+) more needed|request > maximum capacity))?");
    private static final Pattern PREEMPTED_BY = Pattern.compile("\\(UID: ([^,)]+)");
    private static final String KUEUE_GATE = "kueue.x-k8s.io/admission";

    private StatusDeriver() {
    }

    public static WorkloadStatus derive(Observation seen) {
        WorkloadRecord workload = seen.workload();
        if (workload.desired() == Desired.DELETED) {
            return simple(Phase.DELETING, Reason.of("deleting", "being deleted"), seen);
        }
        return workload.notebook() ? notebook(seen) : job(seen);
    }

    // --- notebooks --------------------------------------------------------------------------------------

    private static WorkloadStatus notebook(Observation seen) {
        WorkloadRecord workload = seen.workload();
        Pod pod = seen.pods().isEmpty() ? null : seen.pods().getFirst();
        if (workload.desired() == Desired.STOPPED) {
            // stopped once nothing of the run is left: its pod, and the quota Kueue reserved for it
            if (pod != null || seen.kueue() != null && seen.kueue().quotaReserved() && !seen.kueue().finished()) {
                return simple(Phase.STOPPING, Reason.of("stopping", "stopping; the workspace is kept"), seen);
            }
            return simple(Phase.STOPPED, Reason.of("stopped", "stopped; the workspace is kept"), seen);
        }
        if (seen.statefulSet() == null) {
            return creating(seen);
        }
        if (pod != null && pod.getMetadata().getDeletionTimestamp() == null) {
            ContainerStatus container = container(pod);
            if (container != null && container.getState() != null && container.getState().getWaiting() != null
                    && "CrashLoopBackOff".equals(container.getState().getWaiting().getReason())) {
                ExitStatus exit = lastExit(container);
                return new WorkloadStatus(Phase.FAILED, null, Reason.of("crash-loop",
                        "JupyterLab keeps exiting" + (exit != null && exit.code() != null ? " (exit code "
                                + exit.code() + ")" : "") + "; Kubernetes restarts it with growing delays",
                        exit != null && exit.code() != null ? Map.of("exitCode", exit.code()) : Map.of()),
                        null, exit, restarts(pod) + 1, node(pod), podIp(pod), admittedAt(seen), null, null);
            }
            if (running(pod)) {
                if (ready(pod)) {
                    return new WorkloadStatus(Phase.RUNNING, null, Reason.of("running", "running on "
                            + node(pod), Map.of("node", node(pod))), null, null, restarts(pod) + 1, node(pod),
                            podIp(pod), admittedAt(seen), startedAt(pod), null);
                }
                return pending(Stage.STARTING, Reason.of("starting-readiness",
                        "JupyterLab is starting (waiting for it to answer its readiness check)"), seen, pod);
            }
        }
        return waitingToRun(seen, pod);
    }

    // --- jobs -------------------------------------------------------------------------------------------

    private static WorkloadStatus job(Observation seen) {
        WorkloadRecord workload = seen.workload();
        Job job = seen.job();
        Pod pod = seen.pods().isEmpty() ? null : seen.pods().getFirst();
        if (workload.desired() == Desired.CANCELLED) {
            return new WorkloadStatus(Phase.CANCELLED, null, Reason.of("cancelled", "cancelled"), null,
                    pod == null ? null : lastExit(container(pod)), attempts(job, seen.pods()), null, null,
                    admittedAt(seen), pod == null ? null : startedAt(pod), cancelledAt(seen));
        }
        if (job == null) {
            if (workload.objectUid() == null) {
                return creating(seen);
            }
            if (seen.lastPhase() != null && seen.lastPhase().phase() != null
                    && Phase.fromWire(seen.lastPhase().phase()).terminal()) {
                Phase phase = Phase.fromWire(seen.lastPhase().phase());
                return new WorkloadStatus(phase, null, Reason.of(seen.lastPhase().reason(),
                        seen.lastPhase().message()), null, null, 0, null, null, null, null, seen.lastPhase().at());
            }
            return simple(Phase.FAILED, Reason.of("job-deleted",
                    "its Kubernetes Job was deleted outside the portal before it finished"), seen);
        }
        // Kubernetes 1.31+ says SuccessCriteriaMet first and Complete once the pods are cleaned up
        Optional<JobCondition> complete = jobCondition(job, "Complete").or(() -> jobCondition(job,
                "SuccessCriteriaMet"));
        Optional<JobCondition> failed = jobCondition(job, "Failed");
        Instant started = job.getStatus() == null || job.getStatus().getStartTime() == null ? null
                : Instant.parse(job.getStatus().getStartTime());
        if (complete.isPresent()) {
            Instant finished = job.getStatus().getCompletionTime() == null
                    ? instant(complete.get().getLastTransitionTime())
                    : Instant.parse(job.getStatus().getCompletionTime());
            String took = started == null || finished == null ? "" : " in " + human(Duration.between(started, finished));
            return new WorkloadStatus(Phase.SUCCEEDED, null, Reason.of("succeeded", "completed" + took), null,
                    pod == null ? null : lastExit(container(pod)), attempts(job, seen.pods()), null, null,
                    admittedAt(seen), started, finished);
        }
        if (failed.isPresent()) {
            return failedJob(seen, job, failed.get(), started);
        }
        if (Boolean.TRUE.equals(job.getSpec().getSuspend())) {
            return queued(seen);
        }
        Pod live = seen.pods().stream().filter(StatusDeriver::active).findFirst().orElse(null);
        if (live != null && running(live)) {
            String retry = attempts(job, seen.pods()) > 1 ? " (attempt " + attempts(job, seen.pods()) + ")" : "";
            return new WorkloadStatus(Phase.RUNNING, null, Reason.of("running", "running on " + node(live) + retry,
                    Map.of("node", node(live))), null, failedBefore(seen.pods(), live), attempts(job, seen.pods()),
                    node(live), podIp(live), admittedAt(seen), started, null);
        }
        if (live == null && pod != null && pod.getStatus() != null && "Succeeded".equals(pod.getStatus().getPhase())) {
            // its process ended well a moment ago and the Job controller has not said so yet: not pending again
            return new WorkloadStatus(Phase.RUNNING, null, Reason.of("finishing", "its process has ended; finishing"),
                    null, lastExit(container(pod)), attempts(job, seen.pods()), node(pod), null, admittedAt(seen),
                    started, null);
        }
        return waitingToRun(seen, live);
    }

    private static WorkloadStatus failedJob(Observation seen, Job job, JobCondition failed, Instant started) {
        WorkloadSpec spec = seen.workload().spec();
        Pod pod = seen.pods().isEmpty() ? null : seen.pods().getFirst();
        ExitStatus exit = pod == null ? null : lastExit(container(pod));
        int attempts = attempts(job, seen.pods());
        Reason reason = switch (String.valueOf(failed.getReason())) {
            case "DeadlineExceeded" -> Reason.of("max-runtime", "stopped after its max runtime of "
                            + human(Duration.ofSeconds(spec.maxRuntimeSeconds() == null ? 0 : spec.maxRuntimeSeconds())),
                    Map.of("maxRuntimeSeconds", spec.maxRuntimeSeconds() == null ? 0 : spec.maxRuntimeSeconds()));
            case "BackoffLimitExceeded" -> Reason.of("retries-exhausted", "failed " + attempts
                            + (attempts == 1 ? " time" : " times")
                            + (exit != null && exit.code() != null ? " (last exit code " + exit.code()
                            + (exit.reason() == null ? "" : ", " + exit.reason()) + ")" : "")
                            + "; retries: " + (spec.retries() == null ? 0 : spec.retries()),
                    exit != null && exit.code() != null ? Map.of("attempts", attempts, "exitCode", exit.code())
                            : Map.of("attempts", attempts));
            default -> Reason.of("failed", "failed: " + (failed.getMessage() == null ? failed.getReason()
                    : failed.getMessage()));
        };
        return new WorkloadStatus(Phase.FAILED, null, reason, null, exit, attempts, null, null, admittedAt(seen),
                started, instant(failed.getLastTransitionTime()));
    }

    // --- waiting ----------------------------------------------------------------------------------------

    /** Created, not running: queued in Kueue, waiting for a node, blocked by the namespace quota, or starting. */
    private static WorkloadStatus waitingToRun(Observation seen, Pod pod) {
        Optional<Reason> refused = refusedPod(seen);
        if (pod == null && refused.isPresent()) {
            return pending(Stage.BLOCKED, refused.get(), seen, null);
        }
        KueueWorkload kueue = seen.kueue();
        if (kueue == null || !kueue.quotaReserved()) {
            if (pod == null || gatedByKueue(pod)) {
                return queued(seen);
            }
        }
        if (pod == null) {
            return pending(Stage.SCHEDULING, Reason.of("creating-pod", "admitted; its pod is being created"), seen,
                    null);
        }
        if (gatedByKueue(pod)) {
            return pending(Stage.SCHEDULING, Reason.of("admission-checks",
                    "quota reserved; waiting for the queue's admission checks"), seen, pod);
        }
        if (pod.getSpec() == null || pod.getSpec().getNodeName() == null) {
            return pending(Stage.SCHEDULING, unschedulable(seen, pod), seen, pod);
        }
        ContainerStatus container = container(pod);
        if (container != null && container.getState() != null && container.getState().getWaiting() != null) {
            String waiting = String.valueOf(container.getState().getWaiting().getReason());
            String message = container.getState().getWaiting().getMessage();
            if (waiting.equals("ErrImagePull") || waiting.equals("ImagePullBackOff")
                    || waiting.equals("InvalidImageName")) {
                return pending(Stage.STARTING, Reason.of("image-pull", "the image " + seen.workload().spec().image()
                        + " cannot be pulled" + (message == null ? "" : ": " + message)), seen, pod);
            }
            if (waiting.equals("CreateContainerConfigError")) {
                return pending(Stage.STARTING, Reason.of("container-config", "the container cannot be created"
                        + (message == null ? "" : ": " + message)), seen, pod);
            }
        }
        return pending(Stage.STARTING, Reason.of("starting", "starting on " + node(pod),
                Map.of("node", node(pod))), seen, pod);
    }

    private static WorkloadStatus queued(Observation seen) {
        KueueWorkload kueue = seen.kueue();
        Integer inTeam = seen.position() == null ? null : seen.position().inLocalQueue() + 1;
        Integer inQueue = seen.position() == null ? null : seen.position().inClusterQueue() + 1;
        QueueStatus queue = new QueueStatus(inTeam, inQueue, null, null, "none", "");
        if (kueue == null) {
            Reason reason = seen.kueueServed()
                    ? Reason.of("submitted", "submitted; waiting for the queue to pick it up")
                    : Reason.of("kueue-unavailable",
                    "the queue (Kueue) is not running on this cluster, so nothing can be admitted");
            return new WorkloadStatus(Phase.PENDING, Stage.SUBMITTED, reason, queue, null, 0, null, null, null, null,
                    null);
        }
        return new WorkloadStatus(Phase.PENDING, Stage.QUEUED, queueReason(seen, kueue), queue, null, 0, null, null,
                null, null, null);
    }

    /** The sentence for a workload waiting in Kueue: whose quota is full, who is ahead, who preempted it. */
    static Reason queueReason(Observation seen, KueueWorkload kueue) {
        String team = seen.workload().team();
        int ahead = seen.position() == null ? 0 : seen.position().inClusterQueue();
        String aheadText = ahead == 0 ? "" : "; " + ahead + (ahead == 1 ? " workload is" : " workloads are")
                + " ahead of yours";
        if (!kueue.active()) {
            return Reason.of("deactivated", "deactivated by the queue: " + kueue.condition("Evicted")
                    .map(Condition::message).orElse("it will not be admitted until reactivated"));
        }
        ClusterQueueView queue = seen.teamQueue();
        if (queue == null) {
            return Reason.of("queue-not-ready", "team " + team + " has no queue on the cluster yet; it is being set up");
        }
        if (!queue.active()) {
            return Reason.of("queue-not-ready", "team " + team + "'s queue is not active"
                    + (queue.inactiveReason().isBlank() ? "" : ": " + queue.inactiveReason()));
        }
        Optional<Reason> preempted = preempted(seen, kueue, aheadText);
        if (preempted.isPresent()) {
            return preempted.get();
        }
        String message = kueue.condition("QuotaReserved").map(Condition::message).orElse("");
        Matcher insufficient = INSUFFICIENT.matcher(message);
        if (insufficient.find()) {
            String resource = insufficient.group(1);
            String flavor = insufficient.group(2);
            boolean neverFits = message.contains("request > maximum capacity");
            return quotaFull(seen, queue, resource, flavor, neverFits, ahead, aheadText);
        }
        if (message.contains("LocalQueue") && message.contains("doesn't exist")) {
            return Reason.of("queue-not-ready", "team " + team + "'s queue does not exist yet: " + message);
        }
        if (ahead > 0) {
            return Reason.of("behind-others", ahead + (ahead == 1 ? " workload of team " + team + " is"
                    : " workloads of team " + team + " are") + " ahead of yours", Map.of("ahead", ahead));
        }
        // no verdict from Kueue yet: say what would block it, from the queue's usage
        WorkloadSpec spec = seen.workload().spec();
        if (spec.gpus() > 0 && seen.gpuFlavor() != null) {
            BigDecimal used = queue.reserved(seen.gpuFlavor(), GpuResources.RESOURCE).total();
            BigDecimal nominal = queue.quota(seen.gpuFlavor(), GpuResources.RESOURCE).nominal();
            if (used.add(BigDecimal.valueOf(spec.gpus())).compareTo(nominal) > 0) {
                return quotaFull(seen, queue, GpuResources.RESOURCE, seen.gpuFlavor(), false, ahead, aheadText);
            }
        }
        return Reason.of("waiting-admission", "waiting to be admitted by the queue"
                + (message.isBlank() ? "" : ": " + message));
    }

    private static Reason quotaFull(Observation seen, ClusterQueueView queue, String resource, String flavor,
                                    boolean neverFits, int ahead, String aheadText) {
        String team = seen.workload().team();
        WorkloadSpec spec = seen.workload().spec();
        BigDecimal used = queue.reserved(flavor, resource).total();
        BigDecimal nominal = queue.quota(flavor, resource).nominal();
        String what = resourceWords(resource, spec);
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("team", team);
        args.put("resource", resource);
        args.put("used", plain(resource, used));
        args.put("quota", plain(resource, nominal));
        args.put("ahead", ahead);
        if (GpuResources.RESOURCE.equals(resource) && spec.gpuType() != null) {
            args.put("gpuType", spec.gpuType());
        }
        if (neverFits) {
            return Reason.of("exceeds-quota", "it asks for more " + what + " than team " + team + "'s quota of "
                    + plain(resource, nominal) + " and than can be borrowed", args);
        }
        String text = "team " + team + " is using " + plain(resource, used) + " of " + plain(resource, nominal)
                + " " + what;
        if (queue.cohort() != null) {
            text += "; no idle " + what + " of other teams can be borrowed now";
        }
        return Reason.of("team-quota-full", text + aheadText, args);
    }

    private static Optional<Reason> preempted(Observation seen, KueueWorkload kueue, String aheadText) {
        Optional<Condition> evicted = kueue.condition("Evicted").filter(Condition::status);
        Optional<Condition> preempted = kueue.condition("Preempted").filter(Condition::status);
        if (evicted.isEmpty() && preempted.isEmpty()) {
            return Optional.empty();
        }
        if (preempted.isPresent()) {
            Condition condition = preempted.get();
            Matcher uid = PREEMPTED_BY.matcher(condition.message());
            String by = uid.find() ? seen.describeWorkload().apply(uid.group(1)).orElse("another workload")
                    : "another workload";
            String why = switch (condition.reason()) {
                case "InCohortReclamation", "InCohortReclaimWhileBorrowing" ->
                        by + " reclaimed quota that this workload had borrowed";
                case "InCohortFairSharing" -> by + " took back its fair share";
                default -> "preempted by " + by + " (higher priority)";
            };
            return Optional.of(Reason.of("preempted", why + "; waiting to be admitted again" + aheadText,
                    Map.of("by", by)));
        }
        Condition condition = evicted.get();
        return Optional.of(Reason.of("evicted", "evicted by the queue (" + condition.reason() + "): "
                + condition.message() + "; waiting to be admitted again" + aheadText));
    }

    /** Admitted, but no node takes the pod: say which node type lacks what, from the nodes' capacity now. */
    private static Reason unschedulable(Observation seen, Pod pod) {
        WorkloadSpec spec = seen.workload().spec();
        String scheduler = latest(seen.events(), pod.getMetadata().getName(), "FailedScheduling").orElse(null);
        if (scheduler != null && scheduler.contains("unbound") && scheduler.contains("PersistentVolumeClaim")) {
            return Reason.of("waiting-volume", "waiting for its workspace volume to be provisioned");
        }
        GpuInventory inventory = seen.inventory();
        if (spec.gpus() > 0 && inventory != null) {
            String type = GpuTypeNames.shortName(spec.gpuType());
            int largestFree = inventory.type(spec.gpuType()).map(GpuInventory.GpuTypeCapacity::largestFreeOnNode)
                    .orElse(0);
            if (largestFree < spec.gpus()) {
                String noNode = "no " + type + " node has " + spec.gpus() + " free GPU" + (spec.gpus() == 1 ? "" : "s")
                        + " (the most free on one node: " + largestFree + ")";
                // the scheduler nominated a node for it (gpu-fit's hold, or a preemption): say that it will start
                String held = pod.getStatus() == null ? null : pod.getStatus().getNominatedNodeName();
                if (held != null && !held.isBlank()) {
                    return Reason.of("node-held", noNode + "; node " + held + " is kept for it and it starts there"
                                    + " as the workloads on it finish",
                            Map.of("gpuType", spec.gpuType(), "gpus", spec.gpus(), "largestFree", largestFree,
                                    "node", held));
                }
                return Reason.of("no-node-gpus", noNode,
                        Map.of("gpuType", spec.gpuType(), "gpus", spec.gpus(), "largestFree", largestFree));
            }
        }
        if (scheduler != null) {
            return Reason.of("unschedulable", "waiting for a node: " + scheduler);
        }
        return Reason.of("scheduling", "admitted; waiting for the scheduler to place it");
    }

    /** Kubernetes refusing to create the pod (FailedCreate on the Job or StatefulSet), e.g. the namespace quota. */
    private static Optional<Reason> refusedPod(Observation seen) {
        return latest(seen.events(), seen.workload().name(), "FailedCreate")
                .map(message -> message.contains("exceeded quota")
                        ? Reason.of("namespace-quota", "the team's Kubernetes quota refuses its pod: " + message)
                        : Reason.of("pod-refused", "Kubernetes refuses to create its pod: " + message));
    }

    private static WorkloadStatus creating(Observation seen) {
        return new WorkloadStatus(Phase.PENDING, Stage.CREATING, Reason.of("creating", "being created"), null, null,
                0, null, null, null, null, null);
    }

    private static WorkloadStatus pending(Stage stage, Reason reason, Observation seen, Pod pod) {
        return new WorkloadStatus(Phase.PENDING, stage, reason, null, pod == null ? null : lastExit(container(pod)),
                seen.job() == null ? (pod == null ? 0 : restarts(pod) + 1) : attempts(seen.job(), seen.pods()),
                pod == null ? null : node(pod), pod == null ? null : podIp(pod), admittedAt(seen), null, null);
    }

    private static WorkloadStatus simple(Phase phase, Reason reason, Observation seen) {
        return new WorkloadStatus(phase, null, reason, null, null, 0, null, null, null, null, null);
    }

    // --- reading pods, jobs and events ------------------------------------------------------------------

    private static Optional<String> latest(List<Event> events, String objectName, String reason) {
        Event found = null;
        for (Event event : events) {
            if (reason.equals(event.getReason()) && event.getInvolvedObject() != null
                    && objectName.equals(event.getInvolvedObject().getName())) {
                found = event;
            }
        }
        return Optional.ofNullable(found).map(Event::getMessage);
    }

    private static Optional<JobCondition> jobCondition(Job job, String type) {
        if (job.getStatus() == null || job.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return job.getStatus().getConditions().stream()
                .filter(condition -> type.equals(condition.getType()) && "True".equals(condition.getStatus()))
                .findFirst();
    }

    private static int attempts(Job job, List<Pod> pods) {
        if (job == null || job.getStatus() == null) {
            return pods.size();
        }
        int counted = nonNull(job.getStatus().getActive()) + nonNull(job.getStatus().getFailed())
                + nonNull(job.getStatus().getSucceeded());
        return Math.max(counted, pods.size());
    }

    private static boolean active(Pod pod) {
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        return pod.getMetadata().getDeletionTimestamp() == null && !"Succeeded".equals(phase)
                && !"Failed".equals(phase);
    }

    private static boolean running(Pod pod) {
        return pod.getStatus() != null && "Running".equals(pod.getStatus().getPhase());
    }

    private static boolean ready(Pod pod) {
        return condition(pod, "Ready");
    }

    private static boolean condition(Pod pod, String type) {
        if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
            return false;
        }
        for (PodCondition condition : pod.getStatus().getConditions()) {
            if (type.equals(condition.getType())) {
                return "True".equals(condition.getStatus());
            }
        }
        return false;
    }

    private static boolean gatedByKueue(Pod pod) {
        return pod.getSpec() != null && pod.getSpec().getSchedulingGates() != null
                && pod.getSpec().getSchedulingGates().stream().anyMatch(gate -> KUEUE_GATE.equals(gate.getName()));
    }

    private static ContainerStatus container(Pod pod) {
        if (pod == null || pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null
                || pod.getStatus().getContainerStatuses().isEmpty()) {
            return null;
        }
        return pod.getStatus().getContainerStatuses().getFirst();
    }

    /** The container's current terminated state, else its last one. */
    static ExitStatus lastExit(ContainerStatus container) {
        if (container == null) {
            return null;
        }
        ContainerStateTerminated terminated = terminated(container.getState());
        if (terminated == null) {
            terminated = terminated(container.getLastState());
        }
        return terminated == null ? null : new ExitStatus(terminated.getExitCode(), terminated.getReason(),
                terminated.getMessage());
    }

    private static ExitStatus failedBefore(List<Pod> pods, Pod current) {
        return pods.stream().filter(pod -> pod != current)
                .filter(pod -> pod.getStatus() != null && "Failed".equals(pod.getStatus().getPhase()))
                .findFirst().map(pod -> lastExit(container(pod))).orElse(null);
    }

    private static ContainerStateTerminated terminated(ContainerState state) {
        return state == null ? null : state.getTerminated();
    }

    private static int restarts(Pod pod) {
        ContainerStatus container = container(pod);
        return container == null || container.getRestartCount() == null ? 0 : container.getRestartCount();
    }

    private static String node(Pod pod) {
        return pod.getSpec() == null ? null : pod.getSpec().getNodeName();
    }

    private static String podIp(Pod pod) {
        return pod.getStatus() == null ? null : pod.getStatus().getPodIP();
    }

    private static Instant startedAt(Pod pod) {
        ContainerStatus container = container(pod);
        if (container != null && container.getState() != null && container.getState().getRunning() != null) {
            return instant(container.getState().getRunning().getStartedAt());
        }
        return pod.getStatus() == null ? null : instant(pod.getStatus().getStartTime());
    }

    private static Instant admittedAt(Observation seen) {
        return seen.kueue() == null ? null : seen.kueue().condition("Admitted").filter(Condition::status)
                .map(Condition::lastTransition).orElse(null);
    }

    private static Instant cancelledAt(Observation seen) {
        return seen.lastPhase() != null && Phase.CANCELLED.wireName().equals(seen.lastPhase().phase())
                ? seen.lastPhase().at() : null;
    }

    private static Instant instant(String value) {
        return value == null || value.isBlank() ? null : Instant.parse(value);
    }

    private static int nonNull(Integer value) {
        return value == null ? 0 : value;
    }

    private static String resourceWords(String resource, WorkloadSpec spec) {
        return switch (resource) {
            case GpuResources.RESOURCE -> (spec.gpuType() == null ? "" : GpuTypeNames.shortName(spec.gpuType()) + " ")
                    + "GPUs";
            case "cpu" -> "CPUs";
            case "memory" -> "of memory";
            case "ephemeral-storage" -> "of node-local disk";
            default -> resource;
        };
    }

    /** GPUs and CPUs as numbers, memory and node-local disk in GiB. */
    static String plain(String resource, BigDecimal amount) {
        if ("memory".equals(resource) || "ephemeral-storage".equals(resource)) {
            return amount.divide(BigDecimal.valueOf(1L << 30), 1, RoundingMode.HALF_UP).stripTrailingZeros()
                    .toPlainString() + " GiB";
        }
        return amount.setScale(amount.scale() > 0 ? 1 : 0, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    }

    static String human(Duration duration) {
        long seconds = Math.max(0, duration.toSeconds());
        if (seconds < 120) {
            return seconds + " s";
        }
        if (seconds < 7200) {
            return (seconds / 60) + " min";
        }
        long hours = seconds / 3600;
        long minutes = (seconds % 3600) / 60;
        return hours + " h" + (minutes == 0 ? "" : " " + minutes + " min");
    }
}
