package ai.portal.jobs.serving;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.portal.jobs.cluster.ClusterState;
import ai.portal.jobs.leader.Leadership;
import ai.portal.jobs.tracking.TrackingResources;
import ai.portal.platform.team.TeamNames;
import io.fabric8.kubernetes.api.model.HasMetadata;
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
 * Keeps the teams' model deployments as their rows say, on the leading replica only (the workloads' pattern,
 * reconcile/DESIGN.md): when this replica becomes leader and every resync period, every row's objects are applied
 * again (server-side apply: a no-op when nothing differs; a Deployment, Service or budget deleted or changed by hand
 * comes back as the row wants it), and model servers of this installation that no row wants (a crash between the
 * apply and the commit of a deploy; found by their pods or their HPA) have their objects deleted once they are older
 * than one period (a deploy may be between its apply and its commit).
 */
@Component
class ServingReconciler implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ServingReconciler.class);

    private final ServingService serving;
    private final ScalingHistory history;
    private final ClusterState cluster;
    private final Leadership leadership;
    private final Duration resyncPeriod;
    private final Counter applies;
    private final Counter deletes;
    private volatile Disposable loop;

    ServingReconciler(ServingService serving, ScalingHistory history, ClusterState cluster, Leadership leadership,
                      @Value("${portal.jobs.reconcile.resync-period:2m}") Duration resyncPeriod, MeterRegistry meters) {
        this.serving = serving;
        this.history = history;
        this.cluster = cluster;
        this.leadership = leadership;
        this.resyncPeriod = resyncPeriod;
        this.applies = Counter.builder("portal.serving.reconcile.applies")
                .description("Model deployments the reconciler applied again").register(meters);
        this.deletes = Counter.builder("portal.serving.reconcile.deletes")
                .description("Model servers the reconciler deleted because no deployment wants them").register(meters);
    }

    @Override
    public void start() {
        loop = Flux.merge(leadership.changes().filter(Boolean::booleanValue).map(leading -> 0L),
                        // a slow pass skips ticks rather than queueing them
                        Flux.interval(resyncPeriod, resyncPeriod).onBackpressureDrop())
                .filter(tick -> leadership.isLeader())
                .concatMap(tick -> reconcileAll().onErrorResume(failure -> {
                    log.warn("reconciling model deployments failed: {}", failure.toString());
                    return Mono.empty();
                }))
                .subscribe();
    }

    /**
     * Every row's objects applied; the rescales the event informer holds recorded (those seen while another replica
     * led); then the model servers no row wants deleted.
     */
    Mono<Void> reconcileAll() {
        if (!cluster.synced()) {
            // half-listed caches would make live model servers look like orphans
            return Mono.empty();
        }
        return serving.all().collectList().flatMap(rows -> Flux.fromIterable(rows)
                .filter(row -> teamOpen(row.team()))
                .concatMap(row -> serving.reapply(row.team(), row.deployment().name())
                        .doOnSuccess(done -> applies.increment())
                        .onErrorResume(failure -> {
                            log.warn("model deployment {}/{}: applying again failed: {}", row.team(),
                                    row.deployment().name(), failure.getMessage());
                            return Mono.empty();
                        }))
                .then(history.recordAll(rows).onErrorResume(failure -> {
                    log.warn("recording model deployments' rescales failed: {}", failure.toString());
                    return Mono.empty();
                }))
                .then(collectOrphans(rows)));
    }

    private Mono<Void> collectOrphans(List<ServingService.Row> rows) {
        Set<String> wanted = new HashSet<>();
        rows.forEach(row -> wanted.add(TeamNames.namespace(row.team()) + "/" + row.deployment().name()));
        Instant youngest = Instant.now().minus(resyncPeriod);
        Set<String> orphans = new HashSet<>();
        // by its pods, and by its HPA: an autoscaler left behind without its Deployment has no pod to be found by
        List<HasMetadata> servers = new ArrayList<>(cluster.portalPods());
        servers.addAll(cluster.autoscalers());
        for (HasMetadata server : servers) {
            Map<String, String> labels = server.getMetadata().getLabels();
            if (labels == null || !ServingResources.COMPONENT.equals(labels.get(TrackingResources.COMPONENT_LABEL))
                    || labels.get(ServingResources.DEPLOYMENT_LABEL) == null) {
                continue;
            }
            String key = server.getMetadata().getNamespace() + "/" + labels.get(ServingResources.DEPLOYMENT_LABEL);
            String created = server.getMetadata().getCreationTimestamp();
            if (!wanted.contains(key) && created != null && Instant.parse(created).isBefore(youngest)) {
                orphans.add(key);
            }
        }
        return Flux.fromIterable(orphans).concatMap(key -> {
            String namespace = key.substring(0, key.indexOf('/'));
            String name = key.substring(key.indexOf('/') + 1);
            log.info("model server {} has no deployment row: deleting its objects", key);
            return serving.deleteObjects(namespace, name).doOnSuccess(done -> deletes.increment())
                    .onErrorResume(failure -> {
                        log.warn("deleting orphaned model server {} failed: {}", key, failure.getMessage());
                        return Mono.empty();
                    });
        }).then();
    }

    private boolean teamOpen(String team) {
        return cluster.namespace(TeamNames.namespace(team))
                .filter(namespace -> namespace.getMetadata().getDeletionTimestamp() == null).isPresent();
    }

    @Override
    public void stop() {
        Disposable running = loop;
        if (running != null) {
            running.dispose();
        }
        loop = null;
    }

    @Override
    public boolean isRunning() {
        return loop != null;
    }
}
