package ai.portal.tenant.provisioning;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * {@code kubernetes} in {@code /actuator/health}: UP when the API server answers {@code /readyz} with {@code ok},
 * with the server's address and whether the drift watcher is watching every kind. Spring Boot runs this blocking
 * indicator off the event loop.
 */
public class KubernetesHealthIndicator implements HealthIndicator {

    private final KubernetesClient client;
    private final ManagedObjectWatcher watcher;

    public KubernetesHealthIndicator(KubernetesClient client, ManagedObjectWatcher watcher) {
        this.client = client;
        this.watcher = watcher;
    }

    @Override
    public Health health() {
        Health.Builder health;
        try {
            String ready = client.raw("/readyz");
            health = "ok".equals(ready == null ? null : ready.strip()) ? Health.up()
                    : Health.down().withDetail("readyz", String.valueOf(ready));
        } catch (KubernetesClientException e) {
            health = Health.down().withDetail("error", ProvisioningException.apiServerMessage(e));
        }
        health.withDetail("server", String.valueOf(client.getMasterUrl()));
        if (watcher != null) {
            health.withDetail("watching", watcher.isWatching());
        }
        return health.build();
    }
}
