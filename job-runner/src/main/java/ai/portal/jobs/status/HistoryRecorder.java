package ai.portal.jobs.status;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import ai.portal.jobs.cluster.ClusterState;
import ai.portal.jobs.cluster.Condition;
import ai.portal.jobs.cluster.KueueWorkload;
import ai.portal.jobs.leader.Leadership;
import ai.portal.jobs.workload.WorkloadEvent;
import ai.portal.jobs.workload.WorkloadRecord;
import ai.portal.jobs.workload.WorkloadRepository;
import ai.portal.platform.team.TeamNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Keeps each workload's history, on the leading replica: every change of phase (and of stage while pending) as a
 * timeline entry, and the queue's decisions as Kueue states them: admitted (where, when), waiting (the plain reason,
 * each time it changes), preempted (by whom), evicted. Entries carry a key made of what was observed (a condition's
 * transition time, the entry before), so seeing the same thing again, after a restart or from a second replica,
 * never records it twice. The history outlives the Kubernetes objects: a finished job's status comes from it once
 * its Job is gone.
 */
@Component
public class HistoryRecorder implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(HistoryRecorder.class);

    private final ClusterState cluster;
    private final StatusService status;
    private final WorkloadRepository workloads;
    private final Leadership leadership;
    private final Duration sweepPeriod;
    private volatile Disposable loop;

    HistoryRecorder(ClusterState cluster, StatusService status, WorkloadRepository workloads, Leadership leadership,
                    @Value("${portal.jobs.history.sweep-period:30s}") Duration sweepPeriod) {
        this.cluster = cluster;
        this.status = status;
        this.workloads = workloads;
        this.leadership = leadership;
        this.sweepPeriod = sweepPeriod;
    }

    @Override
    public void start() {
        // a burst of changes while recording is slow must wait, not fail the loop: the buffer respects demand
        // (a timer-driven buffer without it overflowed and ended the loop for good under load), ticks a slow pass
        // cannot take are dropped, and should the loop fail anyway it starts again
        Flux<WorkloadRecord> changed = cluster.changes()
                .filter(change -> change.workload() != null)
                .bufferTimeout(256, Duration.ofMillis(300), true)
                .concatMapIterable(batch -> batch.stream().distinct().toList())
                .concatMap(change -> TeamNames.slugOfNamespace(change.namespace())
                        .map(team -> workloads.findLive(team, change.workload()))
                        .orElse(Mono.empty()));
        Flux<WorkloadRecord> swept = Flux.merge(Flux.interval(sweepPeriod, sweepPeriod).onBackpressureDrop(),
                        leadership.changes().filter(Boolean::booleanValue))
                .concatMap(tick -> workloads.findAllLive());
        loop = Flux.merge(changed, swept)
                .filter(workload -> leadership.isLeader())
                .concatMap(workload -> record(workload).onErrorResume(failure -> {
                    log.warn("recording the history of {}/{} failed: {}", workload.team(), workload.name(),
                            failure.toString());
                    return Mono.empty();
                }))
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofSeconds(1)).maxBackoff(Duration.ofSeconds(30))
                        .doBeforeRetry(retry -> log.error("the history recorder failed and starts again: {}",
                                retry.failure().toString())))
                .subscribe();
    }

    /** Records what is new about one workload: its phase (or stage), and Kueue's latest decisions. */
    Mono<Void> record(WorkloadRecord workload) {
        return Mono.zip(status.status(workload), workloads.lastPhase(workload.id()).map(Optional::of)
                        .defaultIfEmpty(Optional.empty()))
                .flatMap(parts -> {
                    WorkloadStatus now = parts.getT1();
                    Optional<WorkloadEvent> last = parts.getT2();
                    Mono<Boolean> phase = Mono.just(false);
                    String label = label(now);
                    String lastLabel = last.map(event -> event.phase() + (event.reason().startsWith("stage:")
                            ? "/" + event.reason().substring(6, event.reason().indexOf(';') < 0
                            ? event.reason().length() : event.reason().indexOf(';')) : "")).orElse(null);
                    if (!label.equals(lastLabel) && now.phase() != Phase.DELETING) {
                        String after = last.map(event -> Long.toString(event.at().toEpochMilli())).orElse("none");
                        // never before the entry it follows: a pod seen starting just after "being created" was
                        // recorded must not read as running before it was created
                        Instant at = last.map(WorkloadEvent::at).filter(previous -> previous.isAfter(when(now)))
                                .orElse(when(now));
                        WorkloadEvent entry = new WorkloadEvent(workload.id(), at, "phase",
                                now.phase().wireName(),
                                now.stage() == null ? now.reason().code() : "stage:" + now.stage().wireName() + ";"
                                        + now.reason().code(),
                                now.reason().text(), "phase:" + label + ":after:" + after);
                        phase = missedRunning(workload, now, lastLabel, last.map(WorkloadEvent::at).orElse(null), after)
                                .then(workloads.recordEvent(entry));
                    }
                    return phase.then(decisions(workload, now));
                });
    }

    /**
     * A job seen finished whose running was never recorded (it ran while no replica led): its Running entry is
     * recorded first, at the time its pod started, so the timeline and the runtime history stay whole.
     */
    private Mono<Boolean> missedRunning(WorkloadRecord workload, WorkloadStatus now, String lastLabel, Instant lastAt,
                                        String after) {
        boolean finished = now.phase() == Phase.SUCCEEDED || now.phase() == Phase.FAILED;
        if (!finished || now.startedAt() == null || Phase.RUNNING.wireName().equals(lastLabel)) {
            return Mono.just(false);
        }
        Instant at = lastAt != null && lastAt.isAfter(now.startedAt()) ? lastAt : now.startedAt();
        return workloads.recordEvent(new WorkloadEvent(workload.id(), at, "phase",
                Phase.RUNNING.wireName(), "running", "ran while the job runner was not recording",
                "phase:" + Phase.RUNNING.wireName() + ":after:" + after));
    }

    private Mono<Void> decisions(WorkloadRecord workload, WorkloadStatus now) {
        Optional<KueueWorkload> kueue = cluster.kueueWorkload(workload.namespace(), workload.kind().objectKind(),
                workload.name());
        if (kueue.isEmpty()) {
            return Mono.empty();
        }
        KueueWorkload seen = kueue.get();
        Mono<Boolean> recorded = Mono.just(false);
        Optional<Condition> reserved = seen.condition("QuotaReserved");
        if (reserved.isPresent() && reserved.get().status()) {
            Condition condition = reserved.get();
            recorded = recorded.then(workloads.recordEvent(new WorkloadEvent(workload.id(),
                    at(condition), "admitted", null, condition.reason(), "admitted to queue " + seen.clusterQueue()
                    + flavors(seen), "admitted:" + seen.uid() + ":" + at(condition))));
        } else if (now.stage() == Phase.Stage.QUEUED && now.reason() != null) {
            String since = reserved.map(condition -> at(condition).toString()).orElse("new");
            recorded = recorded.then(workloads.recordEvent(new WorkloadEvent(workload.id(), Instant.now(),
                    "waiting", null, now.reason().code(), now.reason().text(),
                    "waiting:" + seen.uid() + ":" + now.reason().code() + ":" + since)));
        }
        Optional<Condition> preempted = seen.condition("Preempted").filter(Condition::status);
        if (preempted.isPresent()) {
            String text = now.reason() != null && "preempted".equals(now.reason().code()) ? now.reason().text()
                    : preempted.get().message();
            recorded = recorded.then(workloads.recordEvent(new WorkloadEvent(workload.id(), at(preempted.get()),
                    "preempted", null, preempted.get().reason(), text,
                    "preempted:" + seen.uid() + ":" + at(preempted.get()))));
        }
        Optional<Condition> evicted = seen.condition("Evicted").filter(Condition::status);
        if (evicted.isPresent()) {
            recorded = recorded.then(workloads.recordEvent(new WorkloadEvent(workload.id(), at(evicted.get()),
                    "evicted", null, evicted.get().reason(), evicted.get().message(),
                    "evicted:" + seen.uid() + ":" + at(evicted.get()))));
        }
        return recorded.then();
    }

    private static String flavors(KueueWorkload kueue) {
        return kueue.flavors().isEmpty() ? "" : " (flavors: " + kueue.flavors().entrySet().stream()
                .map(entry -> entry.getKey() + "=" + entry.getValue()).sorted()
                .reduce((a, b) -> a + ", " + b).orElse("") + ")";
    }

    /** {@code Running} or {@code Pending/queued}: a pending workload's stage counts as a change of its own. */
    private static String label(WorkloadStatus status) {
        return status.phase().wireName() + (status.stage() == null ? "" : "/" + status.stage().wireName());
    }

    private static Instant when(WorkloadStatus status) {
        if (status.phase() == Phase.RUNNING && status.startedAt() != null) {
            return status.startedAt();
        }
        if (status.phase().terminal() && status.finishedAt() != null) {
            return status.finishedAt();
        }
        return Instant.now();
    }

    private static Instant at(Condition condition) {
        return condition.lastTransition() == null ? Instant.EPOCH : condition.lastTransition();
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
