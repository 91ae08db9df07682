package ai.portal.jobs.proxy;

import java.util.Base64;
import java.util.Optional;

import ai.portal.jobs.cluster.ClusterState;
import ai.portal.jobs.cluster.SecretReader;
import ai.portal.jobs.workload.WorkloadKind;
import ai.portal.jobs.workload.WorkloadNames;
import ai.portal.platform.team.PortalLabels;
import ai.portal.platform.team.TeamNames;
import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import reactor.core.publisher.Mono;

/**
 * Where a notebook is served: its pod's IP from the pod informer (a Service's endpoints are not used: a loopback
 * pod IP, as on the local cluster, gets none, and JupyterHub's KubeSpawner connects to the pod IP too), and the
 * token its Jupyter server expects, read from the notebook's Secret and kept for a short while. Only this
 * installation's notebooks are found. The idle culler asks Jupyter the same way.
 */
public class NotebookTargets {

    /** A notebook ready to take requests. The token never leaves the job runner. */
    public record Target(String podIp, int port, String token) {
        @Override
        public String toString() {
            return "Target[" + podIp + ":" + port + "]";
        }
    }

    /** Why no target: the notebook is not there, or not (yet) answering. */
    enum Missing { NOT_FOUND, NOT_RUNNING }

    static final class NoTarget extends RuntimeException {
        final Missing why;

        NoTarget(Missing why) {
            super(why.name(), null, false, false);
            this.why = why;
        }
    }

    private final ClusterState cluster;
    private final SecretReader secrets;
    private final AsyncCache<String, String> tokens;

    NotebookTargets(ClusterState cluster, SecretReader secrets, NotebookProxyProperties properties) {
        this.cluster = cluster;
        this.secrets = secrets;
        this.tokens = Caffeine.newBuilder().expireAfterWrite(properties.tokenCacheFor()).maximumSize(10_000)
                .buildAsync();
    }

    /** The notebook's ready pod and its token; an error when it is not there or not ready. */
    public Mono<Target> find(String team, String name) {
        String namespace = TeamNames.namespace(team);
        Optional<Pod> pod = cluster.pod(namespace, name + "-0")
                .filter(found -> WorkloadKind.NOTEBOOK.wireName().equals(label(found, PortalLabels.WORKLOAD_KIND))
                        && name.equals(label(found, PortalLabels.WORKLOAD)));
        if (pod.isEmpty()) {
            boolean exists = cluster.statefulSet(namespace, name).isPresent();
            return Mono.error(new NoTarget(exists ? Missing.NOT_RUNNING : Missing.NOT_FOUND));
        }
        String ip = pod.get().getStatus() == null ? null : pod.get().getStatus().getPodIP();
        if (ip == null || ip.isBlank() || !ready(pod.get())) {
            return Mono.error(new NoTarget(Missing.NOT_RUNNING));
        }
        return token(namespace, name).map(token -> new Target(ip, WorkloadNames.NOTEBOOK_PORT, token));
    }

    /** Forgets a token, e.g. after the notebook refused it (deleted and launched again under the same name). */
    void forgetToken(String team, String name) {
        tokens.synchronous().invalidate(TeamNames.namespace(team) + "/" + name);
    }

    private Mono<String> token(String namespace, String name) {
        return Mono.fromFuture(tokens.get(namespace + "/" + name, (key, executor) -> secrets
                .get(namespace, WorkloadNames.tokenSecret(name))
                .flatMap(secret -> Mono.justOrEmpty(tokenOf(secret)))
                .switchIfEmpty(Mono.error(() -> new NoTarget(Missing.NOT_RUNNING)))
                .toFuture()));
    }

    private Optional<String> tokenOf(Secret secret) {
        if (secret == null || !cluster.instance().equals(label(secret, PortalLabels.INSTANCE))
                || secret.getData() == null || secret.getData().get(WorkloadNames.TOKEN_KEY) == null) {
            return Optional.empty();
        }
        return Optional.of(new String(Base64.getDecoder().decode(secret.getData().get(WorkloadNames.TOKEN_KEY)),
                java.nio.charset.StandardCharsets.UTF_8).trim());
    }

    private static boolean ready(Pod pod) {
        return pod.getStatus().getConditions() != null && pod.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    private static String label(io.fabric8.kubernetes.api.model.HasMetadata object, String key) {
        return object.getMetadata().getLabels() == null ? null : object.getMetadata().getLabels().get(key);
    }
}
