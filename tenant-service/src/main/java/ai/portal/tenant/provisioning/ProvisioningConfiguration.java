package ai.portal.tenant.provisioning;

import ai.portal.tenant.sync.ReconcileTrigger;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires provisioning: the fabric8 client (kubeconfig from {@code KUBECONFIG}, {@code ~/.kube/config}, or the
 * in-cluster service account, in fabric8's usual order), the {@code kubernetes} {@link ai.portal.tenant.sync.TeamSync},
 * the drift watcher and the health indicator. {@code portal.provisioning.enabled=false} turns all of it off.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ProvisioningProperties.class)
@ConditionalOnProperty(prefix = "portal.provisioning", name = "enabled", havingValue = "true", matchIfMissing = true)
public class ProvisioningConfiguration {

    /** Closed when the context closes (Spring infers {@code close()}), after the watcher stopped. */
    @Bean
    KubernetesClient kubernetesClient() {
        return new KubernetesClientBuilder().build();
    }

    @Bean
    KubernetesTeamSync kubernetesTeamSync(KubernetesClient client, ProvisioningProperties properties) {
        return new KubernetesTeamSync(client, properties);
    }

    /** Looks the trigger up per event, so the work queue may itself depend on the syncs without a cycle. */
    @Bean
    ManagedObjectWatcher managedObjectWatcher(KubernetesClient client, ObjectProvider<ReconcileTrigger> triggers,
                                              ProvisioningProperties properties) {
        return new ManagedObjectWatcher(client, slug -> triggers.ifAvailable(t -> t.request(slug)), properties);
    }

    @Bean
    KubernetesHealthIndicator kubernetesHealthIndicator(KubernetesClient client, ManagedObjectWatcher watcher) {
        return new KubernetesHealthIndicator(client, watcher);
    }
}
