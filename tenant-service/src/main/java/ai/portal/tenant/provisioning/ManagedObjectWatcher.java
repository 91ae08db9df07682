package ai.portal.tenant.provisioning;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

import ai.portal.platform.team.PortalLabels;
import ai.portal.platform.team.TeamNames;
import ai.portal.tenant.domain.ReconcileTrigger;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ExceptionHandler;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Drift repair: informers on every kind a team owns (label {@code app.kubernetes.io/managed-by=ai-portal}) ask the
 * {@link ReconcileTrigger} for the team whenever one of its objects is deleted, or changed or created by someone
 * other than our own apply (told apart by the resourceVersion our apply returned, see {@link AppliedVersions}). The trigger's queue then runs the level-triggered sync, which puts the object back.
 *
 * <p>Filtered out, because they need no repair: informer resyncs (same resourceVersion), status-only updates (the
 * quota controller rewriting {@code ResourceQuota.status.used} on every pod), the versions our own apply wrote, and
 * the initial list (reconciling every team at start is the periodic resync's job). Anything in doubt triggers: a needless reconcile is a no-op apply, a missed one is drift left standing.
 *
 * <p>Starting never blocks and never fails the application: informers list and watch in the background and retry
 * while the API server cannot be reached.
 */
public class ManagedObjectWatcher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ManagedObjectWatcher.class);

    /** Every kind a team owns, the Namespace included. */
    public static final List<Class<? extends HasMetadata>> WATCHED_KINDS;

    static {
        List<Class<? extends HasMetadata>> kinds = new ArrayList<>();
        kinds.add(Namespace.class);
        kinds.addAll(TeamResources.NAMESPACED_KINDS);
        WATCHED_KINDS = List.copyOf(kinds);
    }

    private final KubernetesClient client;
    private final ReconcileTrigger trigger;
    private final AppliedVersions applied;
    private final List<SharedIndexInformer<? extends HasMetadata>> informers = new CopyOnWriteArrayList<>();
    private volatile boolean running;

    public ManagedObjectWatcher(KubernetesClient client, ReconcileTrigger trigger, AppliedVersions applied) {
        this.client = client;
        this.trigger = trigger;
        this.applied = applied;
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        for (Class<? extends HasMetadata> kind : WATCHED_KINDS) {
            informers.add(inform(kind));
        }
        running = true;
    }

    private <T extends HasMetadata> SharedIndexInformer<T> inform(Class<T> kind) {
        SharedIndexInformer<T> informer = client.resources(kind).inAnyNamespace()
                .withLabel(PortalLabels.MANAGED_BY, PortalLabels.MANAGER)
                .runnableInformer(0);
        informer.exceptionHandler((started, error) -> {
            log.warn("watching {} failed ({}); retrying", kind.getSimpleName(), error.toString());
            return !ExceptionHandler.isDeserializationException(error);
        });
        Handler<T> handler = new Handler<>();
        informer.addEventHandler(handler);
        informer.start().whenComplete((ignored, error) -> {
            handler.listed = true;
            if (error != null) {
                log.warn("watching {} did not start: {}", kind.getSimpleName(), error.toString());
            } else {
                log.info("watching {} labelled {}={}", kind.getSimpleName(), PortalLabels.MANAGED_BY,
                        PortalLabels.MANAGER);
            }
        });
        return informer;
    }

    @Override
    public synchronized void stop() {
        informers.forEach(SharedIndexInformer::stop);
        informers.clear();
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Whether every informer has listed its kind once and is watching now. */
    public boolean isWatching() {
        return running && !informers.isEmpty()
                && informers.stream().allMatch(i -> i.hasSynced() && i.isWatching());
    }

    private final class Handler<T extends HasMetadata> implements ResourceEventHandler<T> {

        /** Set once the initial list is in: adds before that are the cluster as it was, the resync's job. */
        volatile boolean listed;

        @Override
        public void onAdd(T object) {
            if (listed && !applied.isOurs(object)) {
                request(object, "appeared");
            }
        }

        @Override
        public void onUpdate(T before, T after) {
            if (Objects.equals(before.getMetadata().getResourceVersion(), after.getMetadata().getResourceVersion())
                    || applied.isOurs(after) || !relevantChange(before, after)) {
                return;
            }
            request(after, "changed");
        }

        @Override
        public void onDelete(T object, boolean finalStateUnknown) {
            applied.forget(object);
            request(object, "deleted");
        }
    }

    private void request(HasMetadata object, String what) {
        String slug = slugOf(object);
        if (slug == null) {
            return;
        }
        log.debug("{} {}/{} {}: requesting team {}", object.getKind(), object.getMetadata().getNamespace(),
                object.getMetadata().getName(), what, slug);
        try {
            trigger.request(slug);
        } catch (RuntimeException e) {
            log.warn("requesting reconciliation of team {} failed", slug, e);
        }
    }

    /** From the team label, or from the namespace name when someone removed the label. */
    static String slugOf(HasMetadata object) {
        Map<String, String> labels = object.getMetadata().getLabels();
        String slug = labels == null ? null : labels.get(PortalLabels.TEAM);
        if (slug != null && !slug.isBlank()) {
            return slug;
        }
        String namespace = object instanceof Namespace ? object.getMetadata().getName()
                : object.getMetadata().getNamespace();
        return TeamNames.slugOfNamespace(namespace).orElse(null);
    }

    /** Labels, annotations, deletion, or anything outside metadata and status. */
    private boolean relevantChange(HasMetadata before, HasMetadata after) {
        var b = before.getMetadata();
        var a = after.getMetadata();
        if (!Objects.equals(b.getLabels(), a.getLabels()) || !Objects.equals(b.getAnnotations(), a.getAnnotations())
                || !Objects.equals(b.getDeletionTimestamp(), a.getDeletionTimestamp())) {
            return true;
        }
        return !Objects.equals(body(before), body(after));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> body(HasMetadata object) {
        Map<String, Object> map = client.getKubernetesSerialization().convertValue(object, Map.class);
        map.remove("metadata");
        map.remove("status");
        return map;
    }
}
