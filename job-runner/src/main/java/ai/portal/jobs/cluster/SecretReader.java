package ai.portal.jobs.cluster;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Reads one Secret by name, off the event loop. Secrets are not watched (an informer would need the right to list
 * every Secret of every team namespace and keep them all in memory); callers cache what they read.
 */
public class SecretReader {

    private final KubernetesClient client;

    public SecretReader(KubernetesClient client) {
        this.client = client;
    }

    /** The Secret, or empty when there is none. */
    public Mono<Secret> get(String namespace, String name) {
        return Mono.fromCallable(() -> client.secrets().inNamespace(namespace).withName(name).get())
                .subscribeOn(Schedulers.boundedElastic());
    }
}
