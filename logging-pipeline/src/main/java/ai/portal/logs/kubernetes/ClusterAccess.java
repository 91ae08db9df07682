package ai.portal.logs.kubernetes;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.informers.ExceptionHandler;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.utils.URLUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Everything this service asks the cluster, through one fabric8 client: a pod informer across namespaces (labels,
 * uid and node for the records, and which pods and containers the live tail's fallback reads; lookups read its
 * cache and never block) and the pod log API for that fallback (the only per-request call). {@link #blocking} is the one place fabric8's blocking calls are moved to {@code boundedElastic}.
 */
public class ClusterAccess implements PodMetadata, PodLogSource, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ClusterAccess.class);
    /** How long the constructor waits for the informer's first list. */
    private static final Duration INITIAL_SYNC_WAIT = Duration.ofSeconds(10);

    private static final Duration LOG_READ_TIMEOUT = Duration.ofSeconds(10);

    private final KubernetesClient client;
    private final KubernetesProperties properties;
    private final SharedIndexInformer<Pod> pods;

    public ClusterAccess(KubernetesClient client, KubernetesProperties properties) {
        this.client = client;
        this.properties = properties;
        this.pods = client.pods().inAnyNamespace().runnableInformer(properties.resync().toMillis());
        // a first list that fails (an API server slow to answer at start) is tried again, with fabric8's backoff:
        // by default the informer stops for good, and every log line after would be indexed without its pod's
        // labels, so no team would see it (seen at load 15)
        pods.exceptionHandler((started, error) -> {
            log.debug("watching pods failed ({}); retrying", error.toString());
            return !ExceptionHandler.isDeserializationException(error);
        });
        CompletableFuture<Void> synced = pods.start().toCompletableFuture();
        synced.whenComplete((ok, failure) -> {
            if (failure != null) {
                log.warn("Pod informer could not start ({}); log records carry no labels until it does",
                        failure.getMessage());
            } else {
                log.info("Pod informer synced: {} pods", pods.getIndexer().list().size());
            }
        });
        // the collector starts after this: lines it reads before the first list (a restart's backlog, files of
        // pods already running) would be indexed without labels for good, so wait for it, but never for long
        try {
            synced.get(INITIAL_SYNC_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TimeoutException notYet) {
            log.warn("Pod informer not synced after {}; starting without it", INITIAL_SYNC_WAIT);
        } catch (ExecutionException failed) {
            // logged above
        }
    }

    @Override
    public Optional<PodInfo> lookup(String namespace, String pod) {
        Pod found = pods.getIndexer().getByKey(namespace + "/" + pod);
        if (found == null) {
            return Optional.empty();
        }
        Map<String, String> labels = found.getMetadata().getLabels();
        return Optional.of(new PodInfo(found.getMetadata().getUid(),
                found.getSpec() == null ? null : found.getSpec().getNodeName(),
                labels == null ? Map.of() : labels));
    }

    @Override
    public boolean available() {
        return true;
    }

    @Override
    public Flux<PodLogLine> after(String namespace, Selection selection, Instant after) {
        return blocking(() -> read(namespace, selection, after)).flatMapIterable(lines -> lines);
    }

    private List<PodLogLine> read(String namespace, Selection selection, Instant after) {
        List<PodLogLine> lines = new ArrayList<>();
        // which pods and containers: the informer's cache; only the log text itself needs a request per container
        List<Pod> candidates = selection.pod() != null
                ? Optional.ofNullable(pods.getIndexer().getByKey(namespace + "/" + selection.pod()))
                        .map(List::of).orElse(List.of())
                : pods.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace);
        for (Pod pod : candidates) {
            Map<String, String> labels = Objects.requireNonNullElse(pod.getMetadata().getLabels(), Map.of());
            if (selection.labelKey() != null && !Objects.equals(labels.get(selection.labelKey()), selection.labelValue())) {
                continue;
            }
            for (Container container : pod.getSpec().getContainers()) {
                if (selection.container() != null && !selection.container().equals(container.getName())) {
                    continue;
                }
                String text = logText(namespace, pod.getMetadata().getName(), container.getName(), after);
                for (String line : text == null ? new String[0] : text.split("\n")) {
                    int space = line.indexOf(' ');
                    if (space <= 0) {
                        continue;
                    }
                    try {
                        Instant time = Instant.parse(line.substring(0, space));
                        if (time.isAfter(after)) {
                            lines.add(new PodLogLine(time, pod.getMetadata().getName(), container.getName(),
                                    line.substring(space + 1)));
                        }
                    } catch (DateTimeParseException notTimestamped) {
                        // not a line the API stamped
                    }
                }
            }
        }
        return lines;
    }

    /**
     * The container's log since {@code after}, at most {@code fallback-limit} bytes (the API's {@code limitBytes}
     * keeps the oldest bytes; the tail moves {@code after} forward each poll and reads the rest next time).
     * Asked with the client's own authenticated HTTP client rather than fabric8's log DSL, which reads the pod again
     * first although the informer already knows it. Empty when the container has no log (yet).
     */
    private String logText(String namespace, String pod, String container, Instant after) {
        String uri = URLUtils.join(client.getMasterUrl().toString(), "api", "v1", "namespaces", namespace, "pods", pod,
                "log") + "?container=" + URLUtils.encodeToUTF(container) + "&timestamps=true&sinceTime="
                + URLUtils.encodeToUTF(after.toString()) + "&limitBytes=" + properties.fallbackLimit().toBytes();
        try {
            HttpResponse<String> response = client.getHttpClient()
                    .sendAsync(client.getHttpClient().newHttpRequestBuilder().uri(uri).build(), String.class)
                    .get(LOG_READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return response.isSuccessful() && response.body() != null ? response.body() : "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        } catch (ExecutionException | TimeoutException notReadable) {
            return "";
        }
    }

    private static <T> Mono<T> blocking(Callable<T> call) {
        return Mono.fromCallable(call).subscribeOn(Schedulers.boundedElastic());
    }

    /** Lets another index follow the pod informer; it is told about the pods already known first. */
    public void addPodHandler(ResourceEventHandler<Pod> handler) {
        pods.addEventHandler(handler);
    }

    @Override
    public void close() {
        pods.close();
        client.close();
    }
}
