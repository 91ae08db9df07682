package ai.portal.jobs.usage;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

import ai.portal.jobs.cluster.ClusterState;
import ai.portal.jobs.leader.Leadership;
import io.fabric8.kubernetes.api.model.Pod;
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
 * Records the Running intervals usage is computed from, on the leading replica: for every pod of this installation
 * (a notebook's, a job's or a model server's) the informer shows running or ended, its interval is opened, kept open
 * ({@code last_seen_at}) or closed with the container's own start and finish times; an open interval whose pod is
 * gone is closed when it was last seen running. Writes are upserts keyed by the pod's uid, so seeing a pod again, a
 * restart or a second replica never counts time twice. What a crash costs: a pod deleted while no replica led is closed at its last sighting,
 * at most one sweep period early.
 */
@Component
public class UsageRecorder implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(UsageRecorder.class);

    private final ClusterState cluster;
    private final UsageRepository usage;
    private final Leadership leadership;
    private final Duration sweepPeriod;
    private volatile Disposable loop;

    UsageRecorder(ClusterState cluster, UsageRepository usage, Leadership leadership,
                  @Value("${portal.jobs.usage.sweep-period:30s}") Duration sweepPeriod) {
        this.cluster = cluster;
        this.usage = usage;
        this.leadership = leadership;
        this.sweepPeriod = sweepPeriod;
    }

    @Override
    public void start() {
        // while a sweep is slow, only the latest change waits and clock ticks are dropped (a sampler or an interval
        // without demand fails with an overflow and would end the loop); should it fail anyway, it starts again
        Flux<Object> podChanges = cluster.changes().filter(change -> "Pod".equals(change.source()))
                .sample(Duration.ofMillis(500)).onBackpressureLatest().map(change -> change);
        loop = Flux.merge(podChanges, Flux.interval(sweepPeriod, sweepPeriod).onBackpressureDrop(),
                        leadership.changes().filter(Boolean::booleanValue))
                .filter(tick -> leadership.isLeader() && cluster.synced())
                .concatMap(tick -> sweep().onErrorResume(failure -> {
                    log.warn("recording usage failed: {}", failure.toString());
                    return Mono.empty();
                }))
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofSeconds(1)).maxBackoff(Duration.ofSeconds(30))
                        .doBeforeRetry(retry -> log.error("the usage recorder failed and starts again: {}",
                                retry.failure().toString())))
                .subscribe();
    }

    /** One pass: every pod's interval upserted, every open interval without a pod closed. */
    Mono<Void> sweep() {
        Instant now = Instant.now();
        Set<String> seen = new HashSet<>();
        return Flux.fromIterable(cluster.portalPods())
                .concatMap(pod -> RunningInterval.of(pod)
                        .map(interval -> {
                            seen.add(interval.podUid());
                            return usage.upsert(closedIfDeleted(interval, pod, now), now);
                        })
                        .orElse(Mono.empty()))
                .thenMany(usage.open())
                .filter(open -> !seen.contains(open.podUid()))
                .concatMap(open -> usage.close(open.podUid(), open.lastSeen()))
                .then();
    }

    /** A pod being deleted stops counting when its deletion began (its grace period is not the user's time). */
    private static RunningInterval closedIfDeleted(RunningInterval interval, Pod pod, Instant now) {
        if (interval.end() != null || pod.getMetadata().getDeletionTimestamp() == null) {
            return interval;
        }
        // the deletion timestamp is when the kubelet may kill the pod: the request came a grace period earlier
        long grace = pod.getMetadata().getDeletionGracePeriodSeconds() == null ? 0
                : pod.getMetadata().getDeletionGracePeriodSeconds();
        Instant deleting = Instant.parse(pod.getMetadata().getDeletionTimestamp()).minusSeconds(grace);
        return new RunningInterval(interval.workloadId(), interval.modelDeployment(), interval.podUid(),
                interval.start(), deleting.isAfter(now) ? now : deleting, interval.team(), interval.ownerSubject(),
                interval.gpuType(), interval.gpus(), interval.cpuMillis(), interval.memoryBytes());
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
