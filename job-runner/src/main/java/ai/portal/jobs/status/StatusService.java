package ai.portal.jobs.status;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

import ai.portal.jobs.cluster.ClusterQueueView;
import ai.portal.jobs.cluster.ClusterState;
import ai.portal.jobs.cluster.Condition;
import ai.portal.jobs.cluster.GpuInventory;
import ai.portal.jobs.cluster.KueueWorkload;
import ai.portal.jobs.cluster.ResourceFlavorView;
import ai.portal.jobs.status.EtaEstimator.Estimate;
import ai.portal.jobs.status.EtaEstimator.History;
import ai.portal.jobs.status.Observation.QueuePosition;
import ai.portal.jobs.workload.Desired;
import ai.portal.jobs.workload.WorkloadEvent;
import ai.portal.jobs.workload.WorkloadKind;
import ai.portal.jobs.workload.WorkloadNames;
import ai.portal.jobs.workload.WorkloadRecord;
import ai.portal.jobs.workload.WorkloadRepository;
import ai.portal.jobs.workload.WorkloadResources;
import ai.portal.jobs.workload.WorkloadSpec;
import ai.portal.platform.team.GpuResources;
import ai.portal.platform.team.KueueNames;
import ai.portal.platform.team.TeamNames;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Assembles workloads' statuses: reads the informers (through {@link ClusterState}), the team's queue positions
 * (one visibility call per team, cached), and the recorded history where objects are gone, then lets
 * {@link StatusDeriver} decide and {@link EtaEstimator} estimate. Everything a list of a team's workloads needs is
 * read once per team, not once per workload.
 */
@Service
public class StatusService {

    private final ClusterState cluster;
    private final QueuePositions positions;
    private final RuntimeHistory history;
    private final WorkloadRepository workloads;
    private final PeakUsageReader peaks;

    StatusService(ClusterState cluster, QueuePositions positions, RuntimeHistory history,
                  WorkloadRepository workloads, PeakUsageReader peaks) {
        this.cluster = cluster;
        this.positions = positions;
        this.history = history;
        this.workloads = workloads;
        this.peaks = peaks;
    }

    /** What is read once per team for a list: its live workloads, queue positions, capacity, runtime history. */
    record TeamContext(String team, Map<String, WorkloadRecord> byName, Map<String, QueuePosition> positions,
                       GpuInventory inventory, History history, ClusterQueueView queue) {
    }

    /** The team's live workloads that {@code filter} accepts, newest first, each with its status now. */
    public Mono<List<WorkloadView>> teamViews(String team, Predicate<WorkloadRecord> filter) {
        return context(team).flatMap(context -> Flux.fromIterable(context.byName().values())
                .filter(filter)
                .concatMap(workload -> status(workload, context).map(status -> WorkloadView.of(workload, status)))
                .collectList());
    }

    public Mono<WorkloadView> view(WorkloadRecord workload) {
        return status(workload).map(status -> WorkloadView.of(workload, status));
    }

    public Mono<WorkloadStatus> status(WorkloadRecord workload) {
        return context(workload.team()).flatMap(context -> status(workload, context));
    }

    private Mono<TeamContext> context(String team) {
        String namespace = TeamNames.namespace(team);
        return Mono.zip(workloads.findLiveByTeam(team, null).collectList(), positions.of(namespace),
                        history.of(team))
                .map(parts -> {
                    Map<String, WorkloadRecord> byName = new LinkedHashMap<>();
                    parts.getT1().forEach(workload -> byName.put(workload.name(), workload));
                    return new TeamContext(team, byName, parts.getT2(), GpuInventory.of(cluster), parts.getT3(),
                            cluster.teamQueue(team).orElse(null));
                });
    }

    private Mono<WorkloadStatus> status(WorkloadRecord workload, TeamContext context) {
        boolean objectGone = workload.kind() == WorkloadKind.JOB && workload.objectUid() != null
                && cluster.job(workload.namespace(), workload.name()).isEmpty();
        Mono<Optional<WorkloadEvent>> lastPhase = objectGone
                ? workloads.lastPhase(workload.id()).map(Optional::of).defaultIfEmpty(Optional.empty())
                : Mono.just(Optional.empty());
        Mono<Optional<WorkloadEvent>> idleStop = workload.notebook() && workload.desired() == Desired.STOPPED
                ? workloads.last(workload.id(), "idle-stop").map(Optional::of).defaultIfEmpty(Optional.empty())
                : Mono.just(Optional.empty());
        return Mono.zip(lastPhase, idleStop).map(parts -> {
            Observation seen = observe(workload, context, parts.getT1().orElse(null));
            WorkloadStatus status = StatusDeriver.derive(seen);
            if (workload.notebook()) {
                status = IdleTexts.apply(status, workload, seen.statefulSet(), parts.getT2().orElse(null),
                        Instant.now());
            }
            if (status.stage() == Phase.Stage.QUEUED && seen.kueue() != null) {
                status = withEstimate(status, seen, context);
            }
            return status;
        });
    }

    Observation observe(WorkloadRecord workload, TeamContext context, WorkloadEvent lastPhase) {
        String namespace = workload.namespace();
        String id = workload.id().toString();
        StatefulSet set = workload.notebook() ? cluster.statefulSet(namespace, workload.name())
                .filter(found -> id.equals(found.getMetadata().getLabels()
                        .get(ai.portal.jobs.workload.WorkloadNames.WORKLOAD_ID_LABEL)))
                .orElse(null) : null;
        // the Kueue Workload of this run: a notebook's current StatefulSet (each start makes a new one), the Job
        String ownerUid = workload.notebook() ? set == null ? null : set.getMetadata().getUid() : workload.objectUid();
        KueueWorkload kueue = cluster.kueueWorkload(namespace, workload.kind().objectKind(), workload.name())
                .filter(candidate -> ownerUid == null ? !workload.notebook() || stoppedButHolding(workload, candidate)
                        : ownerUid.equals(candidate.ownerUid()))
                .orElse(null);
        List<Pod> pods = cluster.pods(namespace, workload.name()).stream()
                .filter(pod -> workload.id().toString().equals(pod.getMetadata().getLabels()
                        .get(ai.portal.jobs.workload.WorkloadNames.WORKLOAD_ID_LABEL)))
                .toList();
        QueuePosition position = kueue == null ? null : context.positions().get(kueue.name());
        return new Observation(workload, set,
                workload.notebook() ? null : cluster.job(namespace, workload.name())
                        .filter(job -> workload.id().toString().equals(job.getMetadata().getLabels()
                                .get(ai.portal.jobs.workload.WorkloadNames.WORKLOAD_ID_LABEL)))
                        .orElse(null),
                pods, kueue, events(workload, pods, kueue), lastPhase, cluster.kueueServed(), context.queue(),
                workload.spec().gpus() > 0 ? gpuFlavor(context.queue(), workload.spec().gpuType()) : null,
                position, context.inventory(), this::describe);
    }

    /**
     * A stopped notebook's last run, gone from the cluster, whose Kueue Workload still holds quota: Kueue releases
     * it a moment after the pod is gone, and until then the notebook is stopping (a start would find its own GPU
     * taken).
     */
    private static boolean stoppedButHolding(WorkloadRecord notebook, KueueWorkload candidate) {
        return notebook.desired() == Desired.STOPPED && candidate.quotaReserved() && !candidate.finished();
    }

    /** The ResourceFlavor that stands for a GPU type: the one whose node labels select it (the queue's, if several). */
    public String gpuFlavor(ClusterQueueView queue, String gpuType) {
        List<ResourceFlavorView> matching = cluster.flavors().stream()
                .filter(flavor -> gpuType.equals(flavor.gpuType())).toList();
        return matching.stream().filter(flavor -> queue != null && queue.hasFlavor(flavor.name())).findFirst()
                .or(() -> matching.stream().filter(flavor -> flavor.name().startsWith(cluster.instance() + "-"))
                        .findFirst())
                .map(ResourceFlavorView::name)
                .orElse(KueueNames.gpuFlavor(cluster.instance(), gpuType));
    }

    /** The flavor that covers CPU and memory for a team queue. */
    public String defaultFlavor(ClusterQueueView queue) {
        String conventional = KueueNames.defaultFlavor(cluster.instance());
        if (queue == null || queue.hasFlavor(conventional)) {
            return conventional;
        }
        return queue.quotas().keySet().stream().filter(key -> "cpu".equals(key.resource()))
                .map(ClusterQueueView.FlavorResource::flavor).findFirst().orElse(conventional);
    }

    private List<Event> events(WorkloadRecord workload, List<Pod> pods, KueueWorkload kueue) {
        Set<String> names = new HashSet<>();
        names.add(workload.name());
        pods.forEach(pod -> names.add(pod.getMetadata().getName()));
        if (kueue != null) {
            names.add(kueue.name());
        }
        return cluster.events(workload.namespace(), names);
    }

    /** The workload's requests against its VerticalPodAutoscaler's recommendation (informer). */
    public RightSizing rightSizing(WorkloadRecord workload) {
        if (!cluster.rightSizing()) {
            return RightSizing.unavailable();
        }
        return RightSizing.of(cluster.rightSizer(workload.namespace(), workload.name())
                        .filter(vpa -> workload.id().toString().equals(vpa.getMetadata().getLabels()
                                .get(WorkloadNames.WORKLOAD_ID_LABEL))).orElse(null),
                cluster.rightSizerCheckpoint(workload.namespace(), workload.name(), WorkloadResources.CONTAINER)
                        .orElse(null),
                WorkloadResources.CONTAINER, workload.spec().cpu(), workload.spec().memory());
    }

    /** The most the workload's container used over the last days (Prometheus); empty where nothing says. */
    public Mono<Optional<PeakUsage>> peakUsage(WorkloadRecord workload) {
        return peaks.of(workload);
    }

    /** A workload's Kubernetes events (its object, its pods, its Kueue Workload), oldest first, said plainly. */
    public List<KubernetesEvent> kubernetesEvents(WorkloadRecord workload) {
        List<Pod> pods = cluster.pods(workload.namespace(), workload.name());
        KueueWorkload kueue = cluster.kueueWorkload(workload.namespace(), workload.kind().objectKind(),
                workload.name()).orElse(null);
        return events(workload, pods, kueue).stream().map(EventTexts::plain).toList();
    }

    /** "team b's job train-7" for a Kueue Workload uid, for "preempted by ...". */
    private Optional<String> describe(String uid) {
        return cluster.kueueWorkloads().stream().filter(workload -> uid.equals(workload.uid())).findFirst()
                .map(workload -> TeamNames.slugOfNamespace(workload.namespace())
                        .map(slug -> "team " + slug + "'s " + ("StatefulSet".equals(workload.ownerKind())
                                ? "notebook" : "job") + " " + workload.ownerName())
                        .orElse(workload.namespace() + "/" + workload.ownerName()));
    }

    // --- the estimate -----------------------------------------------------------------------------------

    private WorkloadStatus withEstimate(WorkloadStatus status, Observation seen, TeamContext context) {
        ClusterQueueView queue = context.queue();
        if (queue == null) {
            return status;
        }
        WorkloadSpec spec = seen.workload().spec();
        String resource = spec.gpus() > 0 ? GpuResources.RESOURCE : "cpu";
        String flavor = spec.gpus() > 0 ? seen.gpuFlavor() : defaultFlavor(queue);
        BigDecimal capacity = queue.quota(flavor, resource).nominal();
        BigDecimal need = seen.kueue().request(resource);
        Instant now = Instant.now();
        List<EtaEstimator.Holder> running = new ArrayList<>();
        for (KueueWorkload holder : cluster.kueueWorkloadsAdmittedIn(queue.name())) {
            if (flavor.equals(holder.flavors().get(resource))) {
                running.add(new EtaEstimator.Holder(holder.request(resource),
                        holder.condition("QuotaReserved").map(Condition::lastTransition).orElse(now),
                        maxRuntime(holder, context)));
            }
        }
        int ours = seen.position() == null ? Integer.MAX_VALUE : seen.position().inLocalQueue();
        List<KueueWorkload> ahead = cluster.kueueWorkloadsIn(seen.workload().namespace()).stream()
                .filter(KueueWorkload::pending)
                .filter(candidate -> {
                    QueuePosition position = context.positions().get(candidate.name());
                    return position != null && position.inLocalQueue() < ours;
                })
                .filter(candidate -> sameResource(candidate, spec, context, resource))
                .sorted(Comparator.comparingInt(candidate -> context.positions().get(candidate.name()).inLocalQueue()))
                .toList();
        List<EtaEstimator.Waiter> waiters = ahead.stream()
                .map(candidate -> new EtaEstimator.Waiter(candidate.request(resource), maxRuntime(candidate, context)))
                .toList();
        Estimate estimate = EtaEstimator.estimate(capacity, running, waiters, need, now, context.history());
        QueueStatus queued = status.queue();
        return new WorkloadStatus(status.phase(), status.stage(), status.reason(), new QueueStatus(
                queued == null ? null : queued.positionInTeam(), queued == null ? null : queued.positionInClusterQueue(),
                estimate.estimated(), estimate.latest(), estimate.confidence(), estimate.basis()),
                status.exit(), status.attempts(), status.node(), status.podIp(), status.admittedAt(),
                status.startedAt(), status.finishedAt());
    }

    /** Whether a waiting workload competes for the same resource (for GPUs: the same GPU type). */
    private static boolean sameResource(KueueWorkload candidate, WorkloadSpec spec, TeamContext context,
                                        String resource) {
        if (candidate.request(resource).signum() == 0) {
            return false;
        }
        if (!GpuResources.RESOURCE.equals(resource)) {
            return true;
        }
        WorkloadRecord record = candidate.ownerName() == null ? null : context.byName().get(candidate.ownerName());
        return record == null || spec.gpuType().equals(record.spec().gpuType());
    }

    /** A portal job's max runtime; notebooks and workloads the portal did not launch have none known. */
    private static Duration maxRuntime(KueueWorkload kueue, TeamContext context) {
        WorkloadRecord record = kueue.ownerName() == null ? null : context.byName().get(kueue.ownerName());
        if (record == null || record.spec().maxRuntimeSeconds() == null) {
            return null;
        }
        return Duration.ofSeconds(record.spec().maxRuntimeSeconds());
    }
}
