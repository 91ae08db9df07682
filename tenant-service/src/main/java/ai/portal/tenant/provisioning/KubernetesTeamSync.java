package ai.portal.tenant.provisioning;

import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import ai.portal.platform.team.PortalLabels;
import ai.portal.platform.team.TeamNames;
import ai.portal.tenant.domain.TeamSnapshot;
import ai.portal.tenant.domain.TeamState;
import ai.portal.tenant.domain.TeamSync;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The operator: makes a team's namespace match {@link TeamResources#desired} with server-side apply under one field
 * manager, then deletes what the team no longer needs. Level-triggered and idempotent: it never asks what changed,
 * so calling it twice, after a crash, or for a hand-made edit all converge the same way, and an apply that changes
 * nothing leaves every resourceVersion as it was.
 *
 * <p>fabric8 blocks; every call to it runs on {@link Schedulers#boundedElastic()} through {@link #blocking}.
 */
public class KubernetesTeamSync implements TeamSync {

    private static final Logger log = LoggerFactory.getLogger(KubernetesTeamSync.class);
    private static final long NAMESPACE_DELETE_WAIT_SECONDS = 30;

    private final KubernetesClient client;
    private final ProvisioningProperties properties;
    private final AppliedVersions applied;

    public KubernetesTeamSync(KubernetesClient client, ProvisioningProperties properties, AppliedVersions applied) {
        this.client = client;
        this.properties = properties;
        this.applied = applied;
    }

    @Override
    public String name() {
        return "kubernetes";
    }

    /** Applies the team's objects; a team in {@link TeamState#DELETING} is removed instead. */
    @Override
    public Mono<Void> converge(TeamSnapshot team) {
        if (team.state() == TeamState.DELETING) {
            return remove(team.slug());
        }
        return blocking(() -> apply(team));
    }

    /** Deletes the team's namespace (and with it everything in it); completes once it is gone or terminating. */
    @Override
    public Mono<Void> remove(String slug) {
        return blocking(() -> deleteNamespace(TeamNames.namespace(slug)));
    }

    /** Teams that have a namespace labelled as the portal's; the resync removes those the database lacks. */
    @Override
    public Flux<String> managedSlugs() {
        return Mono.fromCallable(() -> client.namespaces().withLabel(PortalLabels.MANAGED_BY, PortalLabels.MANAGER)
                        .list().getItems().stream()
                        .map(namespace -> namespace.getMetadata().getLabels().get(PortalLabels.TEAM))
                        .filter(java.util.Objects::nonNull)
                        .toList())
                .subscribeOn(Schedulers.boundedElastic())
                .flatMapMany(Flux::fromIterable);
    }

    private static Mono<Void> blocking(Runnable work) {
        return Mono.fromRunnable(work).subscribeOn(Schedulers.boundedElastic()).then();
    }

    private void apply(TeamSnapshot team) {
        requireOursOrAbsent(team.namespace(), "take it over");
        List<HasMetadata> desired = TeamResources.desired(team, properties);
        for (HasMetadata object : desired) {
            try {
                applied.record(client.resource(object).fieldManager(properties.fieldManager()).forceConflicts()
                        .serverSideApply());
            } catch (KubernetesClientException e) {
                throw ProvisioningException.of("applying", object, e);
            }
        }
        prune(team.namespace(), desired);
        log.debug("team {}: {} objects applied in {}", team.slug(), desired.size(), team.namespace());
    }

    /**
     * Deletes objects of the team's kinds that are ours (labelled as managed by the portal and written by our field
     * manager) but no longer desired, e.g. a Role an older version created under another name. Objects others
     * create in the namespace, even with our label, are left alone.
     */
    private void prune(String namespace, List<HasMetadata> desired) {
        Set<String> wanted = desired.stream().map(KubernetesTeamSync::key).collect(Collectors.toSet());
        for (Class<? extends HasMetadata> kind : TeamResources.NAMESPACED_KINDS) {
            List<? extends HasMetadata> present;
            try {
                present = client.resources(kind).inNamespace(namespace)
                        .withLabel(PortalLabels.MANAGED_BY, PortalLabels.MANAGER).list().getItems();
            } catch (KubernetesClientException e) {
                throw ProvisioningException.of("listing " + kind.getSimpleName() + " in " + namespace, e);
            }
            for (HasMetadata object : present) {
                if (!wanted.contains(key(object)) && writtenByUs(object)
                        && object.getMetadata().getDeletionTimestamp() == null) {
                    try {
                        client.resource(object).delete();
                        log.info("deleted {} {}/{}: the team no longer needs it", object.getKind(), namespace,
                                object.getMetadata().getName());
                    } catch (KubernetesClientException e) {
                        throw ProvisioningException.of("deleting", object, e);
                    }
                }
            }
        }
    }

    private void deleteNamespace(String name) {
        Namespace namespace = requireOursOrAbsent(name, "delete it");
        if (namespace == null) {
            return;
        }
        try {
            if (namespace.getMetadata().getDeletionTimestamp() == null) {
                client.namespaces().withName(name).delete();
                log.info("deleted namespace {}", name);
            }
            client.namespaces().withName(name).waitUntilCondition(
                    ns -> ns == null || ns.getMetadata().getDeletionTimestamp() != null,
                    NAMESPACE_DELETE_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (KubernetesClientException e) {
            throw ProvisioningException.of("deleting Namespace " + name, e);
        }
    }

    /**
     * The namespace when it is ours, {@code null} when it does not exist; refuses a namespace someone else made, so
     * a team named like an existing namespace can never adopt or delete it.
     */
    private Namespace requireOursOrAbsent(String name, String refusedAction) {
        Namespace namespace;
        try {
            namespace = client.namespaces().withName(name).get();
        } catch (KubernetesClientException e) {
            throw ProvisioningException.of("reading Namespace " + name, e);
        }
        if (namespace != null && !PortalLabels.MANAGER.equals(namespace.getMetadata().getLabels() == null ? null
                : namespace.getMetadata().getLabels().get(PortalLabels.MANAGED_BY)) && !writtenByUs(namespace)) {
            throw new ProvisioningException("Namespace " + name + " exists and is not managed by "
                    + PortalLabels.MANAGER + "; refusing to " + refusedAction);
        }
        return namespace;
    }

    private boolean writtenByUs(HasMetadata object) {
        var managedFields = object.getMetadata().getManagedFields();
        return managedFields != null && managedFields.stream()
                .anyMatch(entry -> properties.fieldManager().equals(entry.getManager()));
    }

    private static String key(HasMetadata object) {
        return object.getClass().getName() + "/" + object.getMetadata().getName();
    }
}
