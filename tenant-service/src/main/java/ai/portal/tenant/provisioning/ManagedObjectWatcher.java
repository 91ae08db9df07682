package ai.portal.tenant.provisioning;

import java.util.Map;
import java.util.Objects;

import ai.portal.platform.team.PortalLabels;
import ai.portal.platform.team.TeamNames;
import ai.portal.tenant.cluster.ClusterView;
import ai.portal.tenant.domain.ReconcileTrigger;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drift repair: listens to the {@link ClusterView}'s informers on every kind a team owns and asks the
 * {@link ReconcileTrigger} for the team whenever one of its objects is deleted, or changed or created by someone other
 * than our own apply (told apart by the resourceVersion our apply returned, see {@link AppliedVersions}). The trigger's
 * queue then runs the level-triggered sync, which puts the object back.
 *
 * <p>Filtered out, because they need no repair: informer resyncs (same resourceVersion), status-only updates (the
 * quota controller rewriting {@code ResourceQuota.status.used} on every pod), the versions our own apply wrote, the
 * initial list (reconciling every team at start is the periodic resync's job), and namespaces that are neither ours
 * nor named like a team's. Anything in doubt triggers: a needless reconcile is a no-op apply, a missed one is drift
 * left standing.
 */
public class ManagedObjectWatcher implements ResourceEventHandler<HasMetadata> {

    private static final Logger log = LoggerFactory.getLogger(ManagedObjectWatcher.class);

    private final ClusterView view;
    private final KubernetesSerialization serialization;
    private final ReconcileTrigger trigger;
    private final AppliedVersions applied;

    /** Listens to {@code view}'s managed kinds (registered by the syncs); the view must not have started yet. */
    public ManagedObjectWatcher(ClusterView view, KubernetesSerialization serialization, ReconcileTrigger trigger,
                                AppliedVersions applied) {
        this.view = view;
        this.serialization = serialization;
        this.trigger = trigger;
        this.applied = applied;
        view.onManagedChange(this);
    }

    @Override
    public void onAdd(HasMetadata object) {
        if (isOurs(object) && !applied.isOurs(object) || isForeignTeamNamespace(object)) {
            request(object, "appeared");
        }
    }

    @Override
    public void onUpdate(HasMetadata before, HasMetadata after) {
        if (Objects.equals(before.getMetadata().getResourceVersion(), after.getMetadata().getResourceVersion())
                || applied.isOurs(after) || !(isOurs(before) || isOurs(after)) || !relevantChange(before, after)) {
            return;
        }
        request(isOurs(before) ? before : after, "changed");
    }

    @Override
    public void onDelete(HasMetadata object, boolean finalStateUnknown) {
        applied.forget(object);
        if (isOurs(object)) {
            request(object, "deleted");
        }
    }

    private void request(HasMetadata object, String what) {
        String slug = slugOf(object);
        if (slug == null) {
            if (object.getMetadata().getNamespace() == null && !(object instanceof Namespace)) {
                // a flavor or priority class: shared by the installation's teams
                log.debug("{} {} {}: requesting the installation's objects", object.getKind(),
                        object.getMetadata().getName(), what);
                trigger.requestInstallation();
            }
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

    /** Labelled as this installation's (the managed kinds' informers see nothing else; the namespace one sees all). */
    private boolean isOurs(HasMetadata object) {
        return view.isOurs(object);
    }

    /** A namespace named like a team's that is not ours: its team must show the refusal, so it is requested too. */
    private boolean isForeignTeamNamespace(HasMetadata object) {
        return object instanceof Namespace && !isOurs(object)
                && TeamNames.slugOfNamespace(object.getMetadata().getName()).isPresent();
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
        Map<String, Object> map = serialization.convertValue(object, Map.class);
        map.remove("metadata");
        map.remove("status");
        return map;
    }
}
