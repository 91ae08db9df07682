package ai.portal.tenant.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import ai.portal.platform.team.PortalLabels;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ExceptionHandler;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.publisher.Mono;

/**
 * Everything tenant-service reads of the cluster's live state, answered from informers (fabric8
 * {@link SharedIndexInformer}s, listed once and then kept current by a watch), never from a list or get call per
 * request. It owns every informer of the service:
 *
 * <ul>
 *   <li>Namespaces, all of them: whether a team namespace exists and whose it is (a namespace of the same name that
 *       is not ours must be seen to be refused);</li>
 *   <li>Pods, all namespaces, indexed by namespace: what runs in a team's namespace, its GPUs per type;</li>
 *   <li>Nodes: GPU capacity per type, and the type of the node a pod runs on;</li>
 *   <li>the kinds the syncs manage ({@link #manage}, {@link #manageOptional}), only objects labelled as this
 *       installation's ({@code app.kubernetes.io/managed-by=ai-portal}, {@code portal.ai/instance=<id>}): what to
 *       prune, the ResourceQuota's status, and the events drift repair listens to ({@link #onManagedChange}).</li>
 * </ul>
 *
 * Kinds of an add-on the cluster may not serve (Kueue's) are optional: their informers start once the API serves
 * them (checked every {@link #OPTIONAL_KIND_CHECK}), and they never hold up {@link #awaitSynced}.
 *
 * Starting never blocks the application and never fails it: informers list and watch in the background and retry
 * while the API server cannot be reached. Readers that must not act on an empty cache wait with {@link #awaitSynced}.
 */
public class ClusterView implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ClusterView.class);
    private static final Duration READ_WAIT = Duration.ofSeconds(30);

    static final Duration OPTIONAL_KIND_CHECK = Duration.ofSeconds(30);

    private final KubernetesClient client;
    private final String instance;
    private final List<Class<? extends HasMetadata>> managedKinds = new CopyOnWriteArrayList<>();
    private final List<ResourceDefinitionContext> optionalKinds = new CopyOnWriteArrayList<>();
    private final Map<String, SharedIndexInformer<GenericKubernetesResource>> optional = new ConcurrentHashMap<>();
    private final List<Runnable> servedListeners = new CopyOnWriteArrayList<>();
    private ScheduledExecutorService optionalKindChecks;
    private final List<ResourceEventHandler<HasMetadata>> managedHandlers = new CopyOnWriteArrayList<>();
    private final Map<Class<? extends HasMetadata>, SharedIndexInformer<? extends HasMetadata>> managed =
            new LinkedHashMap<>();
    private SharedIndexInformer<Namespace> namespaces;
    private SharedIndexInformer<Pod> pods;
    private SharedIndexInformer<Node> nodes;
    private final CompletableFuture<Void> synced = new CompletableFuture<>();
    private volatile boolean running;

    /** The view of installation {@code instance}: only its objects count as managed. */
    public ClusterView(KubernetesClient client, String instance) {
        this.client = client;
        this.instance = instance;
    }

    public String instance() {
        return instance;
    }

    /** Whether the object is labelled as this installation's. */
    public boolean isOurs(HasMetadata object) {
        Map<String, String> labels = object.getMetadata().getLabels();
        return labels != null && PortalLabels.MANAGER.equals(labels.get(PortalLabels.MANAGED_BY))
                && instance.equals(labels.get(PortalLabels.INSTANCE));
    }

    /** The installation whose label the object carries, when it is the portal's; empty for anything else. */
    public static Optional<String> installationOf(HasMetadata object) {
        Map<String, String> labels = object.getMetadata().getLabels();
        if (labels == null || !PortalLabels.MANAGER.equals(labels.get(PortalLabels.MANAGED_BY))) {
            return Optional.empty();
        }
        return Optional.ofNullable(labels.get(PortalLabels.INSTANCE));
    }

    /** A namespaced kind a sync manages in team namespaces; called before {@link #start}. */
    public synchronized void manage(Class<? extends HasMetadata> kind) {
        if (running) {
            throw new IllegalStateException("the cluster view is already running; register " + kind + " before start");
        }
        if (!managedKinds.contains(kind)) {
            managedKinds.add(kind);
        }
    }

    /**
     * A kind of an add-on the cluster may not serve yet (Kueue's), cluster-scoped or namespaced; called before
     * {@link #start}.
     */
    public synchronized void manageOptional(ResourceDefinitionContext kind) {
        if (running) {
            throw new IllegalStateException("the cluster view is already running; register " + kind.getKind()
                    + " before start");
        }
        if (optionalKinds.stream().noneMatch(known -> known.getKind().equals(kind.getKind()))) {
            optionalKinds.add(kind);
        }
    }

    /**
     * Gets every event of the managed kinds and of Namespaces (all of them: the handler tells ours from others'),
     * after each informer's initial list; called before {@link #start}.
     */
    public synchronized void onManagedChange(ResourceEventHandler<HasMetadata> handler) {
        if (running) {
            throw new IllegalStateException("the cluster view is already running; add handlers before start");
        }
        managedHandlers.add(handler);
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        List<CompletableFuture<Void>> listed = new ArrayList<>();
        namespaces = inform("Namespace", client.namespaces().runnableInformer(0), true, listed);
        pods = inform("Pod", client.pods().inAnyNamespace().runnableInformer(0), false, listed);
        nodes = inform("Node", client.nodes().runnableInformer(0), false, listed);
        for (Class<? extends HasMetadata> kind : managedKinds) {
            managed.put(kind, inform(kind.getSimpleName(), client.resources(kind).inAnyNamespace()
                    .withLabels(ourLabels()).runnableInformer(0), true, listed));
        }
        if (!optionalKinds.isEmpty()) {
            optionalKindChecks = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon()
                    .name("cluster-view-optional-kinds").factory());
            optionalKindChecks.scheduleWithFixedDelay(this::startServedOptionalKinds, 0,
                    OPTIONAL_KIND_CHECK.toMillis(), TimeUnit.MILLISECONDS);
        }
        CompletableFuture.allOf(listed.toArray(CompletableFuture[]::new)).whenComplete((done, error) -> {
            if (error == null) {
                log.info("cluster view synced: namespaces, pods, nodes and {}",
                        managedKinds.stream().map(Class::getSimpleName).toList());
                synced.complete(null);
            }
        });
        running = true;
    }

    private <T extends HasMetadata> SharedIndexInformer<T> inform(String what, SharedIndexInformer<T> informer,
                                                                  boolean notifyHandlers,
                                                                  List<CompletableFuture<Void>> listed) {
        informer.exceptionHandler((started, error) -> {
            log.warn("watching {} failed ({}); retrying", what, error.toString());
            return !ExceptionHandler.isDeserializationException(error);
        });
        ListedOnce<T> gate = new ListedOnce<>();
        if (notifyHandlers) {
            informer.addEventHandler(gate);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        listed.add(done);
        informer.start().whenComplete((ignored, error) -> {
            gate.listed = true;
            if (error != null) {
                log.warn("watching {} did not start: {}", what, error.toString());
            } else {
                done.complete(null);
            }
        });
        return informer;
    }

    /** Starts the informer of every optional kind the API server serves now and that has none yet. */
    private void startServedOptionalKinds() {
        for (ResourceDefinitionContext kind : optionalKinds) {
            if (optional.containsKey(kind.getKind())) {
                continue;
            }
            try {
                if (!client.supports(kind.getGroup() + "/" + kind.getVersion(), kind.getKind())) {
                    continue;
                }
            } catch (RuntimeException e) {
                log.debug("could not ask the API server whether it serves {}: {}", kind.getKind(), e.toString());
                continue;
            }
            synchronized (this) {
                if (!running) {
                    return;
                }
                var resources = client.genericKubernetesResources(kind);
                SharedIndexInformer<GenericKubernetesResource> informer = kind.isNamespaceScoped()
                        ? resources.inAnyNamespace().withLabels(ourLabels()).runnableInformer(0)
                        : resources.withLabels(ourLabels()).runnableInformer(0);
                List<CompletableFuture<Void>> listed = new ArrayList<>();
                optional.put(kind.getKind(), inform(kind.getKind(), informer, true, listed));
                log.info("the cluster serves {}/{} {}: watching it", kind.getGroup(), kind.getVersion(),
                        kind.getKind());
                // what was skipped while the kind was not served (the installation's Kueue flavors) is due now
                listed.getFirst().thenRun(() -> servedListeners.forEach(Runnable::run));
            }
        }
    }

    @Override
    public synchronized void stop() {
        if (optionalKindChecks != null) {
            optionalKindChecks.shutdownNow();
        }
        optional.values().forEach(SharedIndexInformer::stop);
        managed.values().forEach(SharedIndexInformer::stop);
        for (SharedIndexInformer<?> informer : new SharedIndexInformer<?>[] {namespaces, pods, nodes}) {
            if (informer != null) {
                informer.stop();
            }
        }
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stopped before the Kubernetes client closes, started after everything that registers kinds or handlers. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 100;
    }

    /** Whether every informer has listed its kind once and is watching now. */
    public boolean isWatching() {
        return running && synced.isDone() && allInformers().stream().allMatch(i -> i.hasSynced() && i.isWatching());
    }

    /**
     * Blocks until every informer has listed its kind once, so a reader never takes an empty cache for an empty
     * cluster; fails after {@code timeout}.
     */
    public void awaitSynced(Duration timeout) {
        try {
            synced.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new ClusterNotReadyException("the cluster view has not listed the cluster yet after "
                    + timeout.toSeconds() + " s: is the API server reachable?");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterNotReadyException("interrupted while waiting for the cluster view");
        } catch (ExecutionException e) {
            throw new ClusterNotReadyException("the cluster view failed to start: " + e.getCause());
        }
    }

    /**
     * Answers {@code query} from the caches once every informer has listed its kind, without blocking; fails with
     * {@link ClusterNotReadyException} when that takes longer than {@code timeout}.
     */
    public <T> Mono<T> read(Duration timeout, Supplier<T> query) {
        return Mono.fromFuture(synced, true)
                .timeout(timeout, Mono.error(() -> new ClusterNotReadyException("the cluster view has not listed the "
                        + "cluster yet after " + timeout.toSeconds() + " s: is the API server reachable?")))
                .then(Mono.fromSupplier(query));
    }

    /** {@link #read(Duration, Supplier)} with the usual 30 s. */
    public <T> Mono<T> read(Supplier<T> query) {
        return read(READ_WAIT, query);
    }

    // --- reads ---------------------------------------------------------------------------------------------

    /** Pods of the namespace that have not finished (Pending, Running or Unknown). */
    public long unfinishedPods(String namespace) {
        return pods(namespace).stream().filter(ClusterView::unfinished).count();
    }

    public static boolean unfinished(Pod pod) {
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        return !"Succeeded".equals(phase) && !"Failed".equals(phase);
    }

    public Optional<Namespace> namespace(String name) {
        return Optional.ofNullable(namespaces == null ? null : namespaces.getStore().getByKey(name));
    }

    public List<Namespace> namespaces() {
        return namespaces == null ? List.of() : namespaces.getStore().list();
    }

    /** Every pod of a namespace, finished or not. */
    public List<Pod> pods(String namespace) {
        return pods == null ? List.of() : pods.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace);
    }

    public List<Node> nodes() {
        return nodes == null ? List.of() : nodes.getStore().list();
    }

    public Optional<Node> node(String name) {
        return Optional.ofNullable(nodes == null ? null : nodes.getStore().getByKey(name));
    }

    /** The objects of a managed kind in a namespace that carry the portal's label. */
    public <T extends HasMetadata> List<T> managed(Class<T> kind, String namespace) {
        SharedIndexInformer<? extends HasMetadata> informer = managed.get(kind);
        if (informer == null) {
            throw new IllegalArgumentException(kind.getSimpleName() + " is not a managed kind of the cluster view");
        }
        return informer.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace).stream().map(kind::cast).toList();
    }

    public <T extends HasMetadata> Optional<T> managed(Class<T> kind, String namespace, String name) {
        return managed(kind, namespace).stream().filter(o -> name.equals(o.getMetadata().getName())).findFirst();
    }

    /**
     * The objects of an optional kind that are this installation's (all namespaces), or empty when the cluster does not
     * serve the kind or its informer has not listed it yet ({@link #serves}).
     */
    public List<GenericKubernetesResource> optional(ResourceDefinitionContext kind) {
        SharedIndexInformer<GenericKubernetesResource> informer = optional.get(kind.getKind());
        return informer == null ? List.of() : informer.getStore().list();
    }

    /**
     * Runs {@code listener} each time an optional kind becomes served and its informer has listed it (an add-on
     * installed after this service started, or one whose API answered only after the first check).
     */
    public void onOptionalKindServed(Runnable listener) {
        servedListeners.add(listener);
    }

    /** Whether the cluster serves an optional kind and its informer has listed it. */
    public boolean serves(ResourceDefinitionContext kind) {
        SharedIndexInformer<GenericKubernetesResource> informer = optional.get(kind.getKind());
        return informer != null && informer.hasSynced();
    }

    /** Each optional kind ({@code group/version kind}) and whether the cluster serves it and its informer listed it. */
    public Map<String, Boolean> optionalKinds() {
        Map<String, Boolean> kinds = new LinkedHashMap<>();
        optionalKinds.forEach(kind -> kinds.put(kind.getGroup() + "/" + kind.getVersion() + " " + kind.getKind(),
                serves(kind)));
        return kinds;
    }

    private Map<String, String> ourLabels() {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(PortalLabels.MANAGED_BY, PortalLabels.MANAGER);
        labels.put(PortalLabels.INSTANCE, instance);
        return labels;
    }

    private List<SharedIndexInformer<? extends HasMetadata>> allInformers() {
        List<SharedIndexInformer<? extends HasMetadata>> all = new ArrayList<>(managed.values());
        all.add(namespaces);
        all.add(pods);
        all.add(nodes);
        return all;
    }

    /** Passes events on to the handlers once the informer's initial list is in: that list is the cluster as it was. */
    private final class ListedOnce<T extends HasMetadata> implements ResourceEventHandler<T> {

        volatile boolean listed;

        @Override
        public void onAdd(T object) {
            if (listed) {
                managedHandlers.forEach(handler -> handler.onAdd(object));
            }
        }

        @Override
        public void onUpdate(T before, T after) {
            managedHandlers.forEach(handler -> handler.onUpdate(before, after));
        }

        @Override
        public void onDelete(T object, boolean finalStateUnknown) {
            managedHandlers.forEach(handler -> handler.onDelete(object, finalStateUnknown));
        }
    }
}
