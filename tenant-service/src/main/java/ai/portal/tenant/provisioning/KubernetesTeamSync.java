package ai.portal.tenant.provisioning;

import java.net.HttpURLConnection;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import ai.portal.platform.team.PortalLabels;
import ai.portal.platform.team.TeamNames;
import ai.portal.tenant.cluster.ClusterView;
import ai.portal.tenant.domain.TeamSnapshot;
import ai.portal.tenant.domain.TeamState;
import ai.portal.tenant.domain.TeamSync;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
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
 * <p>What is there is read from the {@link ClusterView}'s informers; writes go to the API server. fabric8 blocks; every
 * call to it runs on {@link Schedulers#boundedElastic()} through {@link #blocking}.
 */
public class KubernetesTeamSync implements TeamSync {

    private static final Logger log = LoggerFactory.getLogger(KubernetesTeamSync.class);
    private static final long NAMESPACE_DELETE_WAIT_SECONDS = 30;
    private static final Duration SYNC_WAIT = Duration.ofSeconds(60);
    /** The labels a namespace is created with: whose it is, never anything the apply may take away again. */
    private static final Set<String> IDENTITY_LABELS = Set.of(PortalLabels.MANAGED_BY, PortalLabels.INSTANCE,
            PortalLabels.TEAM);

    private final KubernetesClient client;
    private final ClusterView view;
    private final ProvisioningProperties properties;
    private final AppliedVersions applied;

    public KubernetesTeamSync(KubernetesClient client, ClusterView view, ProvisioningProperties properties,
                              AppliedVersions applied) {
        this.client = client;
        this.view = view;
        this.properties = properties;
        this.applied = applied;
        TeamResources.NAMESPACED_KINDS.forEach(view::manage);
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
        return blocking(() -> view.namespaces().stream()
                .filter(ManagedObjectWatcher::isOurs)
                .map(namespace -> namespace.getMetadata().getLabels().get(PortalLabels.TEAM))
                .filter(Objects::nonNull)
                .toList())
                .flatMapMany(Flux::fromIterable);
    }

    /** The one hop to {@code boundedElastic}: fabric8 blocks, and the cluster view may first wait for its list. */
    private <T> Mono<T> blocking(Supplier<T> work) {
        return Mono.fromCallable(() -> {
            view.awaitSynced(SYNC_WAIT);
            return work.get();
        }).subscribeOn(Schedulers.boundedElastic());
    }

    private Mono<Void> blocking(Runnable work) {
        return blocking(() -> {
            work.run();
            return Boolean.TRUE;
        }).then();
    }

    private void apply(TeamSnapshot team) {
        List<HasMetadata> desired = TeamResources.desired(team, properties);
        if (requireOursOrAbsent(team.namespace(), "take it over") == null) {
            createNamespace((Namespace) desired.getFirst());
        }
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
            for (HasMetadata object : view.managed(kind, namespace)) {
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

    /**
     * Creates the namespace the view does not know yet with a plain create, which the API server refuses when the
     * name is taken: so a namespace someone made a moment ago, not yet in the view, is never taken over by the apply
     * that follows (server-side apply would create or adopt alike). The create sets only the name and the labels
     * that say whose it is: fields a plain create sets stay owned by it, so anything the apply may later remove
     * (the archived label, say) must come from the apply alone.
     */
    private void createNamespace(Namespace desired) {
        String name = desired.getMetadata().getName();
        Map<String, String> identity = new LinkedHashMap<>(desired.getMetadata().getLabels());
        identity.keySet().retainAll(IDENTITY_LABELS);
        Namespace namespace = new NamespaceBuilder().withNewMetadata().withName(name).withLabels(identity)
                .endMetadata().build();
        try {
            applied.record(client.resource(namespace).create());
            log.info("created namespace {}", name);
        } catch (KubernetesClientException e) {
            if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
                throw ProvisioningException.of("creating", namespace, e);
            }
            Namespace existing;
            try {
                existing = client.namespaces().withName(name).get(); // the view is behind: ask once
            } catch (KubernetesClientException readFailed) {
                throw ProvisioningException.of("reading Namespace " + name, readFailed);
            }
            if (existing != null) {
                requireOurs(existing, "take it over");
            }
        }
    }

    private void deleteNamespace(String name) {
        Namespace namespace = view.namespace(name).orElseGet(() -> {
            try {
                return client.namespaces().withName(name).get(); // the view may be a moment behind a creation
            } catch (KubernetesClientException e) {
                throw ProvisioningException.of("reading Namespace " + name, e);
            }
        });
        if (namespace == null) {
            return;
        }
        requireOurs(namespace, "delete it");
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
        Namespace namespace = view.namespace(name).orElse(null);
        if (namespace != null) {
            requireOurs(namespace, refusedAction);
        }
        return namespace;
    }

    private void requireOurs(Namespace namespace, String refusedAction) {
        if (!ManagedObjectWatcher.isOurs(namespace) && !writtenByUs(namespace)) {
            throw new ProvisioningException("Namespace " + namespace.getMetadata().getName()
                    + " exists and is not managed by " + PortalLabels.MANAGER + "; refusing to " + refusedAction);
        }
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
