package ai.portal.tenant.provisioning;

import java.net.HttpURLConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import ai.portal.platform.team.KueueNames;
import ai.portal.platform.team.PortalLabels;
import ai.portal.platform.team.TeamNames;
import ai.portal.tenant.cluster.ClusterView;
import ai.portal.tenant.domain.InstallationSync;
import ai.portal.tenant.domain.TeamSnapshot;
import ai.portal.tenant.domain.TeamState;
import ai.portal.tenant.domain.TeamSync;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The operator: makes a team's namespace and Kueue queues match {@link TeamResources#desired} and
 * {@link KueueResources#team} with server-side apply under one field manager, then deletes what the team no longer
 * needs; and the installation's Kueue flavors and priority classes match {@link KueueResources#installation}.
 * Level-triggered and idempotent: it never asks what changed, so calling it twice, after a crash, or for a hand-made
 * edit all converge the same way, and an apply that changes nothing leaves every resourceVersion as it was.
 *
 * <p>It touches only objects labelled with this installation's id ({@link ClusterView#isOurs}); a namespace of the
 * same name that is not ours (another installation's, or nobody's) is an error, never adopted nor deleted.
 *
 * <p>What is there is read from the {@link ClusterView}'s informers; writes go to the API server. fabric8 blocks; every
 * call to it runs on {@link Schedulers#boundedElastic()} through {@link #blocking}.
 */
public class KubernetesTeamSync implements TeamSync, InstallationSync {

    private static final Logger log = LoggerFactory.getLogger(KubernetesTeamSync.class);
    private static final long NAMESPACE_DELETE_WAIT_SECONDS = 30;
    private static final Duration SYNC_WAIT = Duration.ofSeconds(60);
    /** The labels a namespace is created with: whose it is, never anything the apply may take away again. */
    private static final Set<String> IDENTITY_LABELS = Set.of(PortalLabels.MANAGED_BY, PortalLabels.INSTANCE,
            PortalLabels.TEAM);
    /** The Kueue kinds this sync manages, in the order they are pruned. */
    static final List<ResourceDefinitionContext> KUEUE_KINDS = List.of(KueueResources.LOCAL_QUEUE,
            KueueResources.CLUSTER_QUEUE, KueueResources.WORKLOAD_PRIORITY_CLASS, KueueResources.RESOURCE_FLAVOR);

    private final KubernetesClient client;
    private final ClusterView view;
    private final ProvisioningProperties properties;
    private final KueueProperties kueue;
    private final AppliedVersions applied;

    public KubernetesTeamSync(KubernetesClient client, ClusterView view, ProvisioningProperties properties,
                              KueueProperties kueue, AppliedVersions applied) {
        this.client = client;
        this.view = view;
        this.properties = properties;
        this.kueue = kueue;
        this.applied = applied;
        TeamResources.NAMESPACED_KINDS.forEach(view::manage);
        if (kueue.enabled()) {
            KUEUE_KINDS.forEach(view::manageOptional);
        }
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

    /**
     * Deletes the team's ClusterQueue and namespace (and with it everything in it); completes once both are gone or
     * the namespace is terminating.
     */
    @Override
    public Mono<Void> remove(String slug) {
        return blocking(() -> {
            deleteClusterQueue(slug);
            deleteNamespace(TeamNames.namespace(slug));
        });
    }

    /** Teams with a namespace or ClusterQueue of this installation; the resync removes those the database lacks. */
    @Override
    public Flux<String> managedSlugs() {
        return blocking(() -> Stream.concat(
                        view.namespaces().stream().filter(view::isOurs),
                        view.optional(KueueResources.CLUSTER_QUEUE).stream())
                .map(object -> object.getMetadata().getLabels().get(PortalLabels.TEAM))
                .filter(Objects::nonNull)
                .collect(Collectors.toCollection(LinkedHashSet::new)))
                .flatMapMany(Flux::fromIterable);
    }

    /**
     * The installation's Kueue flavors and priority classes; flavors of GPU types no longer in the catalogue are
     * deleted once no ClusterQueue of this installation names them (until then this fails, and is retried).
     */
    @Override
    public Mono<Void> convergeInstallation(List<String> gpuTypes) {
        return blocking(() -> {
            if (!kueueServed()) {
                return;
            }
            List<GenericKubernetesResource> desired = KueueResources.installation(view.instance(), gpuTypes);
            desired.forEach(this::applyKueue);
            Set<String> wanted = desired.stream().map(KubernetesTeamSync::key).collect(Collectors.toSet());
            Set<String> referenced = flavorsInUse();
            List<String> stillUsed = new ArrayList<>();
            for (ResourceDefinitionContext kind : List.of(KueueResources.WORKLOAD_PRIORITY_CLASS,
                    KueueResources.RESOURCE_FLAVOR)) {
                for (GenericKubernetesResource object : view.optional(kind)) {
                    if (wanted.contains(key(object)) || !writtenByUs(object)
                            || object.getMetadata().getDeletionTimestamp() != null) {
                        continue;
                    }
                    if (referenced.contains(object.getMetadata().getName())) {
                        stillUsed.add(object.getMetadata().getName());
                    } else {
                        deleteKueue(kind, object);
                    }
                }
            }
            if (!stillUsed.isEmpty()) {
                throw new ProvisioningException("ResourceFlavor " + String.join(", ", stillUsed)
                        + " is no longer in the GPU catalogue but a ClusterQueue still names it; it is deleted once "
                        + "every team's queue has been updated");
            }
        });
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
        List<HasMetadata> desired = TeamResources.desired(view.instance(), team, properties, kueue);
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
        if (kueueServed()) {
            KueueResources.team(view.instance(), team, kueue, properties).forEach(this::applyKueue);
        }
        log.debug("team {}: {} objects applied in {}", team.slug(), desired.size(), team.namespace());
    }

    /** Whether Kueue's objects are provisioned: enabled, and the cluster serves Kueue's API (see DESIGN.md). */
    private boolean kueueServed() {
        return kueue.enabled() && KUEUE_KINDS.stream().allMatch(view::serves);
    }

    private void applyKueue(GenericKubernetesResource object) {
        ResourceDefinitionContext kind = kueueKind(object);
        var resources = client.genericKubernetesResources(kind);
        try {
            applied.record((kind.isNamespaceScoped()
                    ? resources.inNamespace(object.getMetadata().getNamespace()).resource(object)
                    : resources.resource(object)).fieldManager(properties.fieldManager()).forceConflicts()
                    .serverSideApply());
        } catch (KubernetesClientException e) {
            throw ProvisioningException.of("applying", object, e);
        }
    }

    private void deleteKueue(ResourceDefinitionContext kind, GenericKubernetesResource object) {
        var resources = client.genericKubernetesResources(kind);
        try {
            (kind.isNamespaceScoped() ? resources.inNamespace(object.getMetadata().getNamespace()) : resources)
                    .withName(object.getMetadata().getName()).delete();
            log.info("deleted {} {}: no longer needed", object.getKind(), object.getMetadata().getName());
        } catch (KubernetesClientException e) {
            throw ProvisioningException.of("deleting", object, e);
        }
    }

    /** The flavors this installation's ClusterQueues name. */
    @SuppressWarnings("unchecked")
    private Set<String> flavorsInUse() {
        Set<String> names = new LinkedHashSet<>();
        for (GenericKubernetesResource queue : view.optional(KueueResources.CLUSTER_QUEUE)) {
            Object spec = queue.getAdditionalProperties().get("spec");
            if (!(spec instanceof Map<?, ?> map) || !(map.get("resourceGroups") instanceof List<?> groups)) {
                continue;
            }
            for (Object group : groups) {
                if (group instanceof Map<?, ?> g && g.get("flavors") instanceof List<?> flavors) {
                    for (Object flavor : flavors) {
                        if (flavor instanceof Map<?, ?> f && f.get("name") instanceof String name) {
                            names.add(name);
                        }
                    }
                }
            }
        }
        return names;
    }

    private static ResourceDefinitionContext kueueKind(HasMetadata object) {
        return KUEUE_KINDS.stream().filter(kind -> kind.getKind().equals(object.getKind())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("not a Kueue kind: " + object.getKind()));
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

    /**
     * Deletes objects of the team's kinds that are ours (labelled with this installation's id and written by our
     * field manager) but no longer desired, e.g. a Role an older version created under another name. Objects others
     * create in the namespace, even with our labels, are left alone.
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

    private void deleteClusterQueue(String slug) {
        String name = KueueNames.clusterQueue(view.instance(), slug);
        view.optional(KueueResources.CLUSTER_QUEUE).stream()
                .filter(queue -> name.equals(queue.getMetadata().getName()))
                .filter(queue -> queue.getMetadata().getDeletionTimestamp() == null)
                .findFirst()
                .ifPresent(queue -> deleteKueue(KueueResources.CLUSTER_QUEUE, queue));
    }

    /**
     * Deletes the namespace when it is ours; one that is not (another installation's, or nobody's) is left alone:
     * there is nothing of this team in it. The view may be a moment behind a creation, so before concluding there is
     * none the API server is asked once; the delete is conditional on the version that was checked, so a namespace
     * that changed hands in between is never deleted.
     */
    private void deleteNamespace(String name) {
        Namespace namespace = view.namespace(name).orElseGet(() -> {
            try {
                return client.namespaces().withName(name).get();
            } catch (KubernetesClientException e) {
                throw ProvisioningException.of("reading Namespace " + name, e);
            }
        });
        if (namespace == null) {
            return;
        }
        if (!view.isOurs(namespace)) {
            // never ours (another installation's, or made by hand): nothing of this team to delete, and not ours to
            // delete either
            log.info("namespace {} is not this installation's; leaving it alone", name);
            return;
        }
        try {
            if (namespace.getMetadata().getDeletionTimestamp() == null) {
                client.namespaces().withName(name).lockResourceVersion(namespace.getMetadata().getResourceVersion())
                        .delete();
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
        if (view.isOurs(namespace)) {
            return;
        }
        String name = namespace.getMetadata().getName();
        throw new ProvisioningException(ClusterView.installationOf(namespace)
                .map(other -> "Namespace " + name + " belongs to another AI Portal installation (" + PortalLabels.INSTANCE
                        + "=" + other + "); refusing to " + refusedAction
                        + ": choose another slug, or remove the team from that installation")
                .orElse("Namespace " + name + " exists and is not managed by ai-portal installation " + view.instance()
                        + "; refusing to " + refusedAction));
    }

    private boolean writtenByUs(HasMetadata object) {
        var managedFields = object.getMetadata().getManagedFields();
        return managedFields != null && managedFields.stream()
                .anyMatch(entry -> properties.fieldManager().equals(entry.getManager()));
    }

    private static String key(HasMetadata object) {
        return object.getKind() + "/" + object.getMetadata().getName();
    }
}
