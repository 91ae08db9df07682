package ai.portal.jobs.reconcile;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import ai.portal.jobs.cluster.ClusterState;
import ai.portal.jobs.leader.Leadership;
import ai.portal.jobs.workload.Desired;
import ai.portal.jobs.workload.WorkloadApplier;
import ai.portal.jobs.workload.WorkloadApplyException;
import ai.portal.jobs.workload.WorkloadNames;
import ai.portal.jobs.workload.WorkloadRecord;
import ai.portal.jobs.workload.WorkloadRepository;
import ai.portal.platform.team.PortalLabels;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Converges Kubernetes to the database, on the leading replica only. Level-triggered: for a workload it compares
 * what the row wants with what the informers show and applies or deletes what differs; it never replays what
 * happened. It runs for one workload when the informers see its objects change, for every workload when this
 * replica becomes leader and every resync period, so a crash between writing a row and applying its objects, a lost
 * event, or an object deleted by hand converges within one period.
 *
 * <ul>
 *   <li>A row never applied ({@code object_uid} null; e.g. the process died right after the insert) is created.</li>
 *   <li>A notebook whose claim is missing, or whose StatefulSet is missing (or is not the one its row records)
 *       while it is to run, or still there while it is to be stopped, is re-applied (started with its kept
 *       workspace, or stopped).</li>
 *   <li>A cancelled job whose Job still exists has it deleted.</li>
 *   <li>Objects of this installation whose workload row is deleted (or was never committed) are deleted, the
 *       workspace claim only when the row asked for it.</li>
 *   <li>A job whose Job was created once and is gone is not re-run: its status says so.</li>
 * </ul>
 * See DESIGN.md.
 */
@Component
public class WorkloadReconciler implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(WorkloadReconciler.class);

    private final WorkloadRepository workloads;
    private final WorkloadApplier applier;
    private final ClusterState cluster;
    private final Leadership leadership;
    private final Duration resyncPeriod;
    private final Counter applies;
    private final Counter deletes;
    private volatile Disposable loop;

    private static final String EVERYTHING = "*";

    WorkloadReconciler(WorkloadRepository workloads, WorkloadApplier applier, ClusterState cluster,
                       Leadership leadership, @Value("${portal.jobs.reconcile.resync-period:2m}") Duration resyncPeriod,
                       MeterRegistry meters) {
        this.workloads = workloads;
        this.applier = applier;
        this.cluster = cluster;
        this.leadership = leadership;
        this.resyncPeriod = resyncPeriod;
        this.applies = Counter.builder("portal.jobs.reconcile.applies")
                .description("Workloads the reconciler applied to converge them").register(meters);
        this.deletes = Counter.builder("portal.jobs.reconcile.deletes")
                .description("Objects the reconciler deleted because no live workload wants them").register(meters);
    }

    @Override
    public void start() {
        Flux<String> triggers = Flux.merge(
                leadership.changes().filter(Boolean::booleanValue).map(leading -> EVERYTHING),
                // a pass slower than the period skips ticks rather than queueing them (an overflowing interval
                // would end the loop)
                Flux.interval(resyncPeriod, resyncPeriod).onBackpressureDrop().map(tick -> EVERYTHING),
                cluster.changes().filter(change -> change.workload() != null
                                && ("StatefulSet".equals(change.source()) || "Job".equals(change.source())
                                || "PersistentVolumeClaim".equals(change.source()) || "Pod".equals(change.source())))
                        .map(change -> change.namespace() + "/" + change.workload()));
        loop = triggers
                .filter(key -> leadership.isLeader())
                .concatMap(key -> {
                    Mono<Void> run = EVERYTHING.equals(key) ? reconcileAll() : reconcileOne(key);
                    return run.onErrorResume(failure -> {
                        log.warn("reconciling {} failed: {}", key, failure.toString());
                        return Mono.empty();
                    });
                })
                .subscribe();
    }

    /** Every live workload, then every object no live workload wants. */
    Mono<Void> reconcileAll() {
        if (!cluster.synced()) {
            // acting on half-listed caches could delete what is merely not seen yet
            return Mono.empty();
        }
        return workloads.findAllLive().collectList()
                .flatMap(live -> Flux.fromIterable(live)
                        .concatMap(workload -> converge(workload, true).onErrorResume(failure -> {
                            log.warn("converging {} {}/{} failed: {}", workload.kind().wireName(), workload.team(),
                                    workload.name(), failure.getMessage());
                            return Mono.empty();
                        }))
                        .then(collectOrphans(live)));
    }

    private Mono<Void> reconcileOne(String key) {
        int slash = key.indexOf('/');
        String namespace = key.substring(0, slash);
        String name = key.substring(slash + 1);
        Optional<String> team = ai.portal.platform.team.TeamNames.slugOfNamespace(namespace);
        if (team.isEmpty() || !cluster.synced()) {
            return Mono.empty();
        }
        return workloads.findLive(team.get(), name).flatMap(workload -> converge(workload, false));
    }

    /** Makes one workload's objects match its row; {@code full} re-applies notebooks even when nothing differs. */
    Mono<Void> converge(WorkloadRecord workload, boolean full) {
        if (!leadership.isLeader()) {
            return Mono.empty();
        }
        var namespace = cluster.namespace(workload.namespace());
        if (namespace.isEmpty() || namespace.get().getMetadata().getDeletionTimestamp() != null) {
            // the team is gone or going (tenant-service deletes its namespace): nothing can or should be created
            return Mono.empty();
        }
        if (workload.notebook()) {
            StatefulSet set = cluster.statefulSet(workload.namespace(), workload.name()).filter(found ->
                    isFor(found, workload)).orElse(null);
            boolean claimMissing = cluster.claim(workload.namespace(), WorkloadNames.workspaceClaim(workload.name()))
                    .isEmpty();
            // a running notebook has its StatefulSet (the one its row records); a stopped one has none
            boolean differs = claimMissing || (workload.desired() == Desired.RUNNING
                    ? set == null || !set.getMetadata().getUid().equals(workload.objectUid())
                    : set != null);
            if (!differs && !full) {
                return Mono.empty();
            }
            return applyAndRecord(workload, differs);
        }
        Job job = cluster.job(workload.namespace(), workload.name()).filter(found -> isFor(found, workload))
                .orElse(null);
        if (workload.desired() == Desired.CANCELLED) {
            if (job == null) {
                return Mono.empty();
            }
            deletes.increment();
            return applier.delete(workload, false);
        }
        if (workload.objectUid() == null && job == null) {
            return applyAndRecord(workload, true);
        }
        if (workload.objectUid() == null) {
            return workloads.setObjectUid(workload.id(), job.getMetadata().getUid()).then();
        }
        return Mono.empty();
    }

    private Mono<Void> applyAndRecord(WorkloadRecord workload, boolean differs) {
        if (differs) {
            applies.increment();
            log.info("converging {} {}/{} ({})", workload.kind().wireName(), workload.team(), workload.name(),
                    workload.objectUid() == null ? "never applied" : "differs from its row");
        }
        return applier.apply(workload)
                .flatMap(uid -> uid.equals(workload.objectUid()) ? Mono.<Void>empty()
                        : workload.notebook() ? workloads.replaceObjectUid(workload.id(), uid)
                        : workloads.setObjectUid(workload.id(), uid).then())
                .onErrorResume(WorkloadApplyException.class, refused -> {
                    // e.g. Kueue refusing to scale a notebook up while its last pod still stops: the pod's
                    // deletion is an event that brings the reconciler back
                    log.info("{} {}/{} not converged yet: {}", workload.kind().wireName(), workload.team(),
                            workload.name(), refused.getMessage());
                    return Mono.empty();
                });
    }

    /**
     * Objects of this installation (StatefulSets, Jobs, workspace claims, from the informers) whose workload id is
     * not a live row: deleted workloads' leftovers, and objects of a row that was rolled back or never committed.
     * Claims of deleted notebooks stay unless their row asked for the workspace to go.
     */
    private Mono<Void> collectOrphans(List<WorkloadRecord> live) {
        Set<UUID> liveIds = new HashSet<>();
        live.forEach(workload -> liveIds.add(workload.id()));
        Map<UUID, HasMetadata> orphans = new java.util.LinkedHashMap<>();
        Stream.of(cluster.statefulSets().stream(), cluster.jobs().stream(), cluster.claims().stream())
                .flatMap(stream -> stream.map(object -> (HasMetadata) object))
                .forEach(object -> workloadId(object).filter(id -> !liveIds.contains(id))
                        .ifPresent(id -> orphans.putIfAbsent(id, object)));
        if (orphans.isEmpty()) {
            return Mono.empty();
        }
        return workloads.findByIds(orphans.keySet()).collectMap(WorkloadRecord::id)
                .flatMapMany(rows -> Flux.fromIterable(orphans.entrySet()).concatMap(entry -> {
                    if (!leadership.isLeader()) {
                        return Mono.empty();
                    }
                    WorkloadRecord row = rows.get(entry.getKey());
                    if (row != null) {
                        boolean onlyClaimLeft = !(entry.getValue() instanceof StatefulSet)
                                && !(entry.getValue() instanceof Job)
                                && cluster.statefulSets().stream().noneMatch(set -> sameId(set, row.id()))
                                && cluster.jobs().stream().noneMatch(job -> sameId(job, row.id()));
                        if (onlyClaimLeft && !row.deleteWorkspace()) {
                            return Mono.empty();
                        }
                        deletes.increment();
                        return applier.delete(row, row.deleteWorkspace());
                    }
                    if (entry.getValue().getMetadata().getCreationTimestamp() != null && java.time.Instant.parse(
                            entry.getValue().getMetadata().getCreationTimestamp())
                            .isAfter(java.time.Instant.now().minus(resyncPeriod))) {
                        // a row being inserted by another request right now; the next resync decides
                        return Mono.empty();
                    }
                    deletes.increment();
                    return applier.deleteOrphan(entry.getValue());
                }))
                .then();
    }

    private static Optional<UUID> workloadId(HasMetadata object) {
        Map<String, String> labels = object.getMetadata().getLabels();
        String id = labels == null ? null : labels.get(WorkloadNames.WORKLOAD_ID_LABEL);
        try {
            return id == null ? Optional.empty() : Optional.of(UUID.fromString(id));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static boolean sameId(HasMetadata object, UUID id) {
        return workloadId(object).map(id::equals).orElse(false);
    }

    private static boolean isFor(HasMetadata object, WorkloadRecord workload) {
        return sameId(object, workload.id()) && object.getMetadata().getLabels() != null
                && object.getMetadata().getLabels().containsKey(PortalLabels.INSTANCE);
    }

    @Override
    public void stop() {
        if (loop != null) {
            loop.dispose();
        }
    }

    @Override
    public boolean isRunning() {
        return loop != null && !loop.isDisposed();
    }
}
