package ai.portal.jobs.status;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import ai.portal.jobs.cluster.ClusterState;
import ai.portal.jobs.status.Observation.QueuePosition;
import ai.portal.platform.team.KueueNames;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Positions of waiting workloads, from Kueue's visibility API through the API server
 * ({@code visibility.kueue.x-k8s.io}: the team LocalQueue's {@code pendingworkloads}). One call answers a whole
 * team; answers are kept until the team's queue changes (an informer event) or for {@link #MAX_AGE}, so a list of
 * fifty jobs costs one call, and many readers of one team share it.
 */
@Component
public class QueuePositions {

    private static final Logger log = LoggerFactory.getLogger(QueuePositions.class);
    static final Duration MAX_AGE = Duration.ofSeconds(5);
    private static final String[] VERSIONS = {"v1beta2", "v1beta1"};

    private final KubernetesClient client;
    private final JsonMapper json;
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();

    private record Answer(long fetchedAtNanos, Map<String, QueuePosition> positions) {
    }

    QueuePositions(KubernetesClient client, JsonMapper json, ClusterState cluster) {
        this.client = client;
        this.json = json;
        cluster.changes().subscribe(change -> {
            if ("Workload".equals(change.source()) || "ClusterQueue".equals(change.source())) {
                answers.remove(change.namespace());
            }
        });
    }

    /** Kueue Workload name to its position, for every waiting workload of the team namespace. */
    public Mono<Map<String, QueuePosition>> of(String namespace) {
        Answer cached = answers.get(namespace);
        if (cached != null && System.nanoTime() - cached.fetchedAtNanos() < MAX_AGE.toNanos()) {
            return Mono.just(cached.positions());
        }
        return Mono.fromCallable(() -> fetch(namespace))
                .subscribeOn(Schedulers.boundedElastic())
                .doOnNext(positions -> answers.put(namespace, new Answer(System.nanoTime(), positions)))
                .onErrorResume(failure -> {
                    log.debug("no queue positions for {}: {}", namespace, failure.toString());
                    return Mono.just(Map.of());
                });
    }

    private Map<String, QueuePosition> fetch(String namespace) {
        for (String version : VERSIONS) {
            String path = "/apis/visibility.kueue.x-k8s.io/" + version + "/namespaces/" + namespace + "/localqueues/"
                    + KueueNames.LOCAL_QUEUE + "/pendingworkloads?limit=1000";
            String body;
            try {
                body = client.raw(path);
            } catch (KubernetesClientException e) {
                if (e.getCode() == 404) {
                    continue;
                }
                throw e;
            }
            if (body == null) {
                continue;
            }
            return parse(json.readTree(body));
        }
        return Map.of();
    }

    static Map<String, QueuePosition> parse(JsonNode summary) {
        Map<String, QueuePosition> positions = new LinkedHashMap<>();
        for (JsonNode item : summary.path("items")) {
            positions.put(item.path("metadata").path("name").asString(), new QueuePosition(
                    item.path("positionInLocalQueue").asInt(), item.path("positionInClusterQueue").asInt()));
        }
        return positions;
    }
}
