package ai.portal.tenant.cluster;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * {@code kubernetes} in {@code /actuator/health}: UP when the API server answers {@code /readyz} with {@code ok},
 * with the server's address, whether the cluster view's informers are watching, and which optional kinds (Kueue's)
 * the cluster serves. Spring Boot runs this blocking indicator off the event loop.
 */
public class KubernetesHealthIndicator implements HealthIndicator {

    private final KubernetesClient client;
    private final ClusterView view;

    public KubernetesHealthIndicator(KubernetesClient client, ClusterView view) {
        this.client = client;
        this.view = view;
    }

    @Override
    public Health health() {
        Health.Builder health;
        try {
            String ready = client.raw("/readyz");
            health = "ok".equals(ready == null ? null : ready.strip()) ? Health.up()
                    : Health.down().withDetail("readyz", String.valueOf(ready));
        } catch (KubernetesClientException e) {
            health = Health.down().withDetail("error", ApiServerErrors.message(e));
        }
        health.withDetail("server", String.valueOf(client.getMasterUrl()));
        if (view != null) {
            health.withDetail("watching", view.isWatching());
            if (!view.optionalKinds().isEmpty()) {
                // Kueue's kinds: until the cluster serves them, teams get no queues (see provisioning/DESIGN.md)
                health.withDetail("optionalKinds", view.optionalKinds());
            }
        }
        return health.build();
    }
}
