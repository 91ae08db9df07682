package ai.portal.jobs.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import ai.portal.platform.installation.Installation;
import ai.portal.platform.team.KueueNames;
import ai.portal.platform.team.PortalLabels;
import ai.portal.platform.team.TeamNames;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ExceptionHandler;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * Everything the job runner reads of the cluster, from informers: each kind is listed once and then watched, and
 * every read (API requests, status, checks, loops) is answered from the informers' caches, never by a list call
 * per request. Indexes answer the questions asked most: a workload's pods, a Kueue Workload by the object it stands
 * for, the pods on a node, the events of an object.
 *
 * <p>Only objects of this installation are watched where the job runner owns them (pods, StatefulSets, Jobs, PVCs,
 * Deployments, HorizontalPodAutoscalers carry {@code portal.ai/instance}); nodes, all active pods (GPU allocation
 * per node), Kueue's objects, team namespaces and quotas are read cluster-wide because capacity is shared.
 *
 * <p>Informers start in the background and retry while the API server (or Kueue's API) cannot be reached; the
 * application starts either way and {@link #informerHealth()} says what is not synced.
 */
public class ClusterState implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ClusterState.class);
    private static final String HPA_KIND = "HorizontalPodAutoscaler";
    /** The reason of the event the HPA controller records when it changes a target's replica count. */
    public static final String RESCALE_REASON = "SuccessfulRescale";

    static final String BY_WORKLOAD = "workload";
    static final String BY_NODE = "node";
    static final String BY_OWNER = "owner";
    static final String BY_INVOLVED = "involved";
    static final String BY_CLUSTER_QUEUE = "clusterQueue";

    public static final ResourceDefinitionContext KUEUE_WORKLOADS = kueue("Workload", "workloads", true);
    public static final ResourceDefinitionContext CLUSTER_QUEUES = kueue("ClusterQueue", "clusterqueues", false);
    public static final ResourceDefinitionContext RESOURCE_FLAVORS = kueue("ResourceFlavor", "resourceflavors", false);
    public static final ResourceDefinitionContext LOCAL_QUEUES = kueue("LocalQueue", "localqueues", true);
    /** VerticalPodAutoscalers: a CRD of the cluster's VPA installation, watched only with right-sizing on. */
    public static final ResourceDefinitionContext RIGHT_SIZERS = new ResourceDefinitionContext.Builder()
            .withGroup(RightSizerApi.GROUP).withVersion(RightSizerApi.VERSION).withKind(RightSizerApi.KIND)
            .withPlural(RightSizerApi.PLURAL).withNamespaced(true).build();
    public static final ResourceDefinitionContext RIGHT_SIZER_CHECKPOINTS = new ResourceDefinitionContext.Builder()
            .withGroup(RightSizerApi.GROUP).withVersion(RightSizerApi.VERSION).withKind(RightSizerApi.CHECKPOINT_KIND)
            .withPlural(RightSizerApi.CHECKPOINT_PLURAL).withNamespaced(true).build();

    private final KubernetesClient client;
    private final Installation installation;
    private final long resyncMillis;
    private final boolean rightSizing;
    private final Map<String, SharedIndexInformer<?>> informers = new LinkedHashMap<>();
    private final Sinks.Many<ClusterChange> changes = Sinks.many().multicast().directBestEffort();
    private final List<Runnable> kueueWatchers = new CopyOnWriteArrayList<>();
    private final List<java.util.function.Consumer<Event>> rescaleListeners = new CopyOnWriteArrayList<>();
    private volatile boolean running;

    private SharedIndexInformer<Node> nodes;
    private SharedIndexInformer<Pod> activePods;
    private SharedIndexInformer<Pod> portalPods;
    private SharedIndexInformer<StatefulSet> statefulSets;
    private SharedIndexInformer<Job> jobs;
    private SharedIndexInformer<PersistentVolumeClaim> claims;
    private SharedIndexInformer<GenericKubernetesResource> kueueWorkloads;
    private SharedIndexInformer<GenericKubernetesResource> clusterQueues;
    private SharedIndexInformer<GenericKubernetesResource> flavors;
    private SharedIndexInformer<ResourceQuota> quotas;
    private SharedIndexInformer<Namespace> namespaces;
    private SharedIndexInformer<Event> events;
    private SharedIndexInformer<Deployment> deployments;
    private SharedIndexInformer<HorizontalPodAutoscaler> autoscalers;
    private SharedIndexInformer<GenericKubernetesResource> rightSizers;
    private SharedIndexInformer<GenericKubernetesResource> rightSizerCheckpoints;

    public ClusterState(KubernetesClient client, Installation installation, Duration resync, boolean rightSizing) {
        this.rightSizing = rightSizing;
        this.client = client;
        this.installation = installation;
        this.resyncMillis = resync.toMillis();
    }

    private static ResourceDefinitionContext kueue(String kind, String plural, boolean namespaced) {
        return new ResourceDefinitionContext.Builder().withGroup(KueueWorkload.GROUP)
                .withVersion(KueueWorkload.VERSION).withKind(kind).withPlural(plural).withNamespaced(namespaced)
                .build();
    }

    public String instance() {
        return installation.id();
    }

    // --- lifecycle ---------------------------------------------------------------------------------------

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        String ours = PortalLabels.instanceSelector(installation.id());
        nodes = start("Node", client.nodes(), Map.of(), this::onNodeOrCapacity);
        activePods = start("Pod (active, cluster-wide)", client.pods().inAnyNamespace()
                        .withoutField("status.phase", "Succeeded").withoutField("status.phase", "Failed"),
                Map.of(BY_NODE, pod -> pod.getSpec() == null || pod.getSpec().getNodeName() == null ? List.of()
                        : List.of(pod.getSpec().getNodeName())), this::onNodeOrCapacity);
        portalPods = start("Pod", client.pods().inAnyNamespace().withLabelSelector(ours),
                Map.of(BY_WORKLOAD, ClusterState::workloadKeys), this::onWorkloadObject);
        statefulSets = start("StatefulSet", client.apps().statefulSets().inAnyNamespace().withLabelSelector(ours),
                Map.of(), this::onWorkloadObject);
        jobs = start("Job", client.batch().v1().jobs().inAnyNamespace().withLabelSelector(ours), Map.of(),
                this::onWorkloadObject);
        claims = start("PersistentVolumeClaim", client.persistentVolumeClaims().inAnyNamespace()
                .withLabelSelector(ours), Map.of(), this::onWorkloadObject);
        kueueWorkloads = start("Workload (Kueue)", client.genericKubernetesResources(KUEUE_WORKLOADS).inAnyNamespace(),
                Map.of(BY_OWNER, ClusterState::workloadOwnerKeys, BY_CLUSTER_QUEUE, workload -> {
                    String queue = Fields.string(workload.getAdditionalProperties(), "status", "admission",
                            "clusterQueue");
                    return queue == null ? List.of() : List.of(queue);
                }), this::onKueueWorkload);
        clusterQueues = start("ClusterQueue (Kueue)", client.genericKubernetesResources(CLUSTER_QUEUES), Map.of(),
                this::onClusterQueue);
        flavors = start("ResourceFlavor (Kueue)", client.genericKubernetesResources(RESOURCE_FLAVORS), Map.of(),
                this::onNodeOrCapacity);
        quotas = start("ResourceQuota", client.resourceQuotas().inAnyNamespace()
                .withField("metadata.name", PortalLabels.TEAM_QUOTA), Map.of(), this::onTeamObject);
        namespaces = start("Namespace", client.namespaces().withLabel(PortalLabels.TEAM), Map.of(),
                this::onTeamObject);
        events = start("Event", client.v1().events().inAnyNamespace(), Map.of(BY_INVOLVED, event ->
                event.getInvolvedObject() == null || event.getInvolvedObject().getName() == null ? List.of()
                        : List.of(event.getMetadata().getNamespace() + "/" + event.getInvolvedObject().getName())),
                this::onEvent);
        // this installation's Deployments (tracking and model servers) and the HPAs of its model servers
        deployments = start("Deployment", client.apps().deployments().inAnyNamespace().withLabelSelector(ours),
                Map.of(), this::onWorkloadObject);
        autoscalers = start("HorizontalPodAutoscaler", client.autoscaling().v2().horizontalPodAutoscalers()
                .inAnyNamespace().withLabelSelector(ours), Map.of(), this::onWorkloadObject);
        if (rightSizing) {
            rightSizers = start("VerticalPodAutoscaler", client.genericKubernetesResources(RIGHT_SIZERS)
                    .inAnyNamespace().withLabelSelector(ours), Map.of(), (before, after) -> { });
            // the recommender's own objects (no labels of ours): how much it has measured behind a recommendation
            rightSizerCheckpoints = start("VerticalPodAutoscalerCheckpoint", client.genericKubernetesResources(
                    RIGHT_SIZER_CHECKPOINTS).inAnyNamespace(), Map.of(), (before, after) -> { });
        }
        running = true;
    }

    private <T extends HasMetadata> SharedIndexInformer<T> start(String name, Informable<T> source,
                                                                  Map<String, Function<T, List<String>>> indexers,
                                                                  java.util.function.BiConsumer<T, T> onChange) {
        SharedIndexInformer<T> informer = source.withIndexers(indexers).runnableInformer(resyncMillis);
        informer.exceptionHandler((started, error) -> {
            log.debug("watching {} failed ({}); retrying", name, error.toString());
            return !ExceptionHandler.isDeserializationException(error);
        });
        informer.addEventHandler(new ResourceEventHandler<T>() {
            @Override
            public void onAdd(T object) {
                onChange.accept(null, object);
            }

            @Override
            public void onUpdate(T before, T after) {
                if (!java.util.Objects.equals(before.getMetadata().getResourceVersion(),
                        after.getMetadata().getResourceVersion())) {
                    onChange.accept(before, after);
                }
            }

            @Override
            public void onDelete(T object, boolean finalStateUnknown) {
                onChange.accept(object, null);
            }
        });
        informers.put(name, informer);
        informer.start().whenComplete((ignored, error) -> {
            if (error != null) {
                log.warn("watching {} did not start: {}", name, error.toString());
            } else {
                log.info("watching {}", name);
            }
        });
        return informer;
    }

    @Override
    public synchronized void stop() {
        informers.values().forEach(SharedIndexInformer::stop);
        informers.clear();
        changes.tryEmitComplete();
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Per informer: synced and watching, or what is missing. */
    public Map<String, String> informerHealth() {
        Map<String, String> health = new LinkedHashMap<>();
        informers.forEach((name, informer) -> health.put(name, !informer.hasSynced() ? "not synced"
                : informer.isWatching() ? "watching" : "synced, not watching"));
        return health;
    }

    /** Whether every informer has listed its kind once: reads before that may miss objects. */
    public boolean synced() {
        return running && informers.values().stream().allMatch(SharedIndexInformer::hasSynced);
    }

    /** Whether Kueue's API answers (its CRDs are installed and the informers have listed them). */
    public boolean kueueServed() {
        return kueueWorkloads != null && kueueWorkloads.hasSynced() && clusterQueues != null
                && clusterQueues.hasSynced();
    }

    /** Every change that may move a workload's status; subscribers that fall behind miss changes, not the rest. */
    public Flux<ClusterChange> changes() {
        return changes.asFlux();
    }

    // --- change routing ----------------------------------------------------------------------------------

    private void emit(String namespace, String workload, String source) {
        if (namespace != null) {
            changes.tryEmitNext(new ClusterChange(namespace, workload, source));
        }
    }

    private <T extends HasMetadata> void onWorkloadObject(T before, T after) {
        HasMetadata object = after != null ? after : before;
        Map<String, String> labels = object.getMetadata().getLabels();
        emit(object.getMetadata().getNamespace(), labels == null ? null : labels.get(PortalLabels.WORKLOAD),
                object.getKind());
        if (object instanceof Pod) {
            onNodeOrCapacity(before, after);
        }
    }

    private void onKueueWorkload(GenericKubernetesResource before, GenericKubernetesResource after) {
        GenericKubernetesResource object = after != null ? after : before;
        List<String> owners = workloadOwnerKeys(object);
        String owner = owners.isEmpty() ? null : owners.getFirst().substring(owners.getFirst().lastIndexOf('/') + 1);
        // a Workload that starts or stops holding quota moves every waiting workload of the team
        emit(object.getMetadata().getNamespace(), null, "Workload");
        if (owner != null) {
            emit(object.getMetadata().getNamespace(), owner, "Workload");
        }
    }

    private void onClusterQueue(GenericKubernetesResource before, GenericKubernetesResource after) {
        GenericKubernetesResource object = after != null ? after : before;
        teamOfClusterQueue(object).ifPresent(slug -> emit(TeamNames.namespace(slug), null, "ClusterQueue"));
        kueueWatchers.forEach(Runnable::run);
    }

    private <T extends HasMetadata> void onTeamObject(T before, T after) {
        HasMetadata object = after != null ? after : before;
        String namespace = object instanceof Namespace ? object.getMetadata().getName()
                : object.getMetadata().getNamespace();
        emit(namespace, null, object.getKind());
    }

    private void onEvent(Event before, Event after) {
        Event event = after != null ? after : before;
        if (after == null || event.getInvolvedObject() == null) {
            return;
        }
        String namespace = event.getMetadata().getNamespace();
        if (!namespace.startsWith(TeamNames.NAMESPACE_PREFIX)) {
            return;
        }
        if (HPA_KIND.equals(event.getInvolvedObject().getKind()) && RESCALE_REASON.equals(event.getReason())) {
            rescaleListeners.forEach(listener -> listener.accept(event));
        }
        String workload = switch (String.valueOf(event.getInvolvedObject().getKind())) {
            case "Pod" -> pod(namespace, event.getInvolvedObject().getName())
                    .map(pod -> pod.getMetadata().getLabels().get(PortalLabels.WORKLOAD)).orElse(null);
            case "Job", "StatefulSet" -> event.getInvolvedObject().getName();
            default -> null;
        };
        if (workload != null) {
            emit(namespace, workload, "Event");
        }
    }

    private <T> void onNodeOrCapacity(T before, T after) {
        kueueWatchers.forEach(Runnable::run);
    }

    /**
     * Runs {@code listener} (on the informer's thread: it must not block) for every rescale event of a
     * HorizontalPodAutoscaler in a team namespace, new or updated (the event recorder counts repeats on one object).
     */
    public void onHpaRescale(java.util.function.Consumer<Event> listener) {
        rescaleListeners.add(listener);
    }

    /** The HPA controller's rescale events about {@code hpa} in {@code namespace} (informer), oldest first. */
    public List<Event> rescales(String namespace, String hpa) {
        return events(namespace, List.of(hpa)).stream().filter(event -> HPA_KIND.equals(event.getInvolvedObject()
                .getKind()) && RESCALE_REASON.equals(event.getReason())).toList();
    }

    /** Runs {@code listener} whenever capacity may have changed (nodes, pods on nodes, queues, flavors). */
    public void onCapacityChange(Runnable listener) {
        kueueWatchers.add(listener);
    }

    private Optional<String> teamOfClusterQueue(HasMetadata queue) {
        Map<String, String> labels = queue.getMetadata().getLabels();
        if (labels != null && labels.get(PortalLabels.TEAM) != null) {
            return Optional.of(labels.get(PortalLabels.TEAM));
        }
        String prefix = KueueNames.clusterQueue(installation.id(), "");
        String name = queue.getMetadata().getName();
        return name.startsWith(prefix) && TeamNames.isSlug(name.substring(prefix.length()))
                ? Optional.of(name.substring(prefix.length())) : Optional.empty();
    }

    private static List<String> workloadKeys(Pod pod) {
        Map<String, String> labels = pod.getMetadata().getLabels();
        String workload = labels == null ? null : labels.get(PortalLabels.WORKLOAD);
        return workload == null ? List.of() : List.of(pod.getMetadata().getNamespace() + "/" + workload);
    }

    /** A Kueue Workload's owner keys: the object Kueue recorded it stands for first, then its owner references. */
    private static List<String> workloadOwnerKeys(GenericKubernetesResource workload) {
        KueueWorkload seen = KueueWorkload.of(workload);
        List<String> keys = new java.util.ArrayList<>();
        if (seen.ownerKind() != null && seen.ownerName() != null) {
            keys.add(KueueWorkload.ownerKey(seen.namespace(), seen.ownerKind(), seen.ownerName()));
        }
        ownerKeys(workload).stream().filter(key -> !keys.contains(key)).forEach(keys::add);
        return keys;
    }

    private static List<String> ownerKeys(HasMetadata object) {
        if (object.getMetadata().getOwnerReferences() == null) {
            return List.of();
        }
        return object.getMetadata().getOwnerReferences().stream()
                .map(owner -> KueueWorkload.ownerKey(object.getMetadata().getNamespace(), owner.getKind(),
                        owner.getName()))
                .toList();
    }

    // --- reads -------------------------------------------------------------------------------------------

    public List<Node> nodes() {
        return nodes == null ? List.of() : nodes.getStore().list();
    }

    public List<Pod> activePodsOn(String node) {
        return activePods == null ? List.of() : activePods.getIndexer().byIndex(BY_NODE, node);
    }

    public List<Pod> activePods() {
        return activePods == null ? List.of() : activePods.getStore().list();
    }

    /** This installation's pods of one workload, newest first. */
    public List<Pod> pods(String namespace, String workload) {
        if (portalPods == null) {
            return List.of();
        }
        List<Pod> pods = new ArrayList<>(portalPods.getIndexer().byIndex(BY_WORKLOAD, namespace + "/" + workload));
        pods.sort(Comparator.comparing((Pod pod) -> String.valueOf(pod.getMetadata().getCreationTimestamp()))
                .reversed());
        return pods;
    }

    public Optional<Pod> pod(String namespace, String name) {
        return portalPods == null ? Optional.empty()
                : Optional.ofNullable(portalPods.getStore().getByKey(Cache.namespaceKeyFunc(namespace, name)));
    }

    public List<Pod> portalPods() {
        return portalPods == null ? List.of() : portalPods.getStore().list();
    }

    /** Whether the cluster runs a VPA recommender, so that workloads get VerticalPodAutoscalers (configuration). */
    public boolean rightSizing() {
        return rightSizing;
    }

    /** The VerticalPodAutoscaler of this installation with this name, as the informer has it. */
    public Optional<GenericKubernetesResource> rightSizer(String namespace, String name) {
        return rightSizers == null ? Optional.empty()
                : Optional.ofNullable(rightSizers.getStore().getByKey(Cache.namespaceKeyFunc(namespace, name)));
    }

    /** What the VPA recommender measured for one container of a VPA: its checkpoint, as the informer has it. */
    public Optional<GenericKubernetesResource> rightSizerCheckpoint(String namespace, String vpa, String container) {
        return rightSizerCheckpoints == null ? Optional.empty() : Optional.ofNullable(rightSizerCheckpoints.getStore()
                .getByKey(Cache.namespaceKeyFunc(namespace, vpa + "-" + container)));
    }

    public Optional<StatefulSet> statefulSet(String namespace, String name) {
        return statefulSets == null ? Optional.empty()
                : Optional.ofNullable(statefulSets.getStore().getByKey(Cache.namespaceKeyFunc(namespace, name)));
    }

    public List<StatefulSet> statefulSets() {
        return statefulSets == null ? List.of() : statefulSets.getStore().list();
    }

    /** One of this installation's Deployments. */
    public Optional<Deployment> deployment(String namespace, String name) {
        return deployments == null ? Optional.empty()
                : Optional.ofNullable(deployments.getStore().getByKey(Cache.namespaceKeyFunc(namespace, name)));
    }

    /** This installation's HorizontalPodAutoscalers. */
    public List<HorizontalPodAutoscaler> autoscalers() {
        return autoscalers == null ? List.of() : autoscalers.getStore().list();
    }

    /** One of this installation's HorizontalPodAutoscalers. */
    public Optional<HorizontalPodAutoscaler> autoscaler(String namespace, String name) {
        return autoscalers == null ? Optional.empty()
                : Optional.ofNullable(autoscalers.getStore().getByKey(Cache.namespaceKeyFunc(namespace, name)));
    }

    public Optional<Job> job(String namespace, String name) {
        return jobs == null ? Optional.empty()
                : Optional.ofNullable(jobs.getStore().getByKey(Cache.namespaceKeyFunc(namespace, name)));
    }

    public List<Job> jobs() {
        return jobs == null ? List.of() : jobs.getStore().list();
    }

    public Optional<PersistentVolumeClaim> claim(String namespace, String name) {
        return claims == null ? Optional.empty()
                : Optional.ofNullable(claims.getStore().getByKey(Cache.namespaceKeyFunc(namespace, name)));
    }

    public List<PersistentVolumeClaim> claims() {
        return claims == null ? List.of() : claims.getStore().list();
    }

    /** The Kueue Workload Kueue made for our {@code kind} (Job or StatefulSet) {@code name}; the newest if several. */
    public Optional<KueueWorkload> kueueWorkload(String namespace, String kind, String name) {
        if (kueueWorkloads == null) {
            return Optional.empty();
        }
        return kueueWorkloads.getIndexer().byIndex(BY_OWNER, KueueWorkload.ownerKey(namespace, kind, name)).stream()
                .map(KueueWorkload::of)
                .max(Comparator.comparing(workload -> workload.createdAt() == null ? java.time.Instant.EPOCH
                        : workload.createdAt()));
    }

    /** The Kueue Workloads holding quota in a ClusterQueue now. */
    public List<KueueWorkload> kueueWorkloadsAdmittedIn(String clusterQueue) {
        if (kueueWorkloads == null) {
            return List.of();
        }
        return kueueWorkloads.getIndexer().byIndex(BY_CLUSTER_QUEUE, clusterQueue).stream()
                .map(KueueWorkload::of)
                .filter(workload -> workload.quotaReserved() && !workload.finished())
                .toList();
    }

    /** Every Kueue Workload of a namespace. */
    public List<KueueWorkload> kueueWorkloadsIn(String namespace) {
        if (kueueWorkloads == null) {
            return List.of();
        }
        return kueueWorkloads.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace).stream()
                .map(KueueWorkload::of).toList();
    }

    public List<KueueWorkload> kueueWorkloads() {
        return kueueWorkloads == null ? List.of()
                : kueueWorkloads.getStore().list().stream().map(KueueWorkload::of).toList();
    }

    /** A ClusterQueue with what its admitted Workloads reserve now (fresher than the queue's status). */
    public Optional<ClusterQueueView> clusterQueue(String name) {
        return clusterQueues == null ? Optional.empty()
                : Optional.ofNullable(clusterQueues.getStore().getByKey(name)).map(this::withReservation);
    }

    private ClusterQueueView withReservation(GenericKubernetesResource queue) {
        ClusterQueueView view = ClusterQueueView.of(queue);
        return kueueWorkloads == null || !kueueWorkloads.hasSynced() ? view
                : view.reservedBy(kueueWorkloadsAdmittedIn(view.name()));
    }

    /** The team's ClusterQueue of this installation ({@link KueueNames#clusterQueue}). */
    public Optional<ClusterQueueView> teamQueue(String slug) {
        return clusterQueue(KueueNames.clusterQueue(installation.id(), slug));
    }

    public List<ClusterQueueView> clusterQueues() {
        return clusterQueues == null ? List.of()
                : clusterQueues.getStore().list().stream().map(this::withReservation).toList();
    }

    public List<ResourceFlavorView> flavors() {
        return flavors == null ? List.of()
                : flavors.getStore().list().stream().map(ResourceFlavorView::of).toList();
    }

    public Optional<ResourceQuota> teamQuota(String namespace) {
        return quotas == null ? Optional.empty() : Optional.ofNullable(
                quotas.getStore().getByKey(Cache.namespaceKeyFunc(namespace, PortalLabels.TEAM_QUOTA)));
    }

    public Optional<Namespace> namespace(String name) {
        return namespaces == null ? Optional.empty() : Optional.ofNullable(namespaces.getStore().getByKey(name));
    }

    /** Events about the named objects (pods, the Job or StatefulSet) in a namespace, oldest first. */
    public List<Event> events(String namespace, Collection<String> objectNames) {
        if (events == null) {
            return List.of();
        }
        List<Event> found = new ArrayList<>();
        for (String name : objectNames) {
            found.addAll(events.getIndexer().byIndex(BY_INVOLVED, namespace + "/" + name));
        }
        found.sort(Comparator.comparing(ClusterState::eventTime));
        return found;
    }

    /**
     * Events of one reason about objects of one kind in a namespace whose names start with {@code namePrefix}
     * (a Deployment's ReplicaSets, whose names end in a hash), oldest first.
     */
    public List<Event> events(String namespace, String kind, String namePrefix, String reason) {
        if (events == null) {
            return List.of();
        }
        return events.getIndexer().byIndex(io.fabric8.kubernetes.client.informers.cache.Cache.NAMESPACE_INDEX,
                        namespace).stream()
                .filter(event -> reason.equals(event.getReason()) && event.getInvolvedObject() != null
                        && kind.equals(event.getInvolvedObject().getKind())
                        && event.getInvolvedObject().getName() != null
                        && event.getInvolvedObject().getName().startsWith(namePrefix))
                .sorted(Comparator.comparing(ClusterState::eventTime))
                .toList();
    }

    /** When an event last happened, in whichever field its reporter filled. */
    public static String eventTime(Event event) {
        if (event.getLastTimestamp() != null) {
            return event.getLastTimestamp();
        }
        if (event.getEventTime() != null && event.getEventTime().getTime() != null) {
            return event.getEventTime().getTime();
        }
        if (event.getFirstTimestamp() != null) {
            return event.getFirstTimestamp();
        }
        return String.valueOf(event.getMetadata().getCreationTimestamp());
    }
}
