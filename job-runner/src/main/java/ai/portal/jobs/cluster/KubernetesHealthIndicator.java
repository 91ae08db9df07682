package ai.portal.jobs.cluster;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * {@code kubernetes} in {@code /actuator/health}: UP when the API server answers {@code /readyz}, with which
 * informers have synced and whether Kueue's API is served. A missing Kueue is reported, not hidden: nothing is
 * admitted without it.
 */
class KubernetesHealthIndicator implements HealthIndicator {

    private final KubernetesClient client;
    private final ClusterState state;

    KubernetesHealthIndicator(KubernetesClient client, ClusterState state) {
        this.client = client;
        this.state = state;
    }

    @Override
    public Health health() {
        Health.Builder health;
        try {
            String ready = client.raw("/readyz");
            health = "ok".equals(ready == null ? null : ready.strip()) ? Health.up()
                    : Health.down().withDetail("readyz", String.valueOf(ready));
        } catch (KubernetesClientException e) {
            health = Health.down().withDetail("error", e.getMessage());
        }
        return health.withDetail("server", String.valueOf(client.getMasterUrl()))
                .withDetail("informers", state.informerHealth())
                .withDetail("kueue", state.kueueServed() ? "served" : "not served: workloads cannot be admitted")
                .build();
    }
}
