package ai.portal.tenant.provisioning;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import ai.portal.tenant.domain.ReconcileTrigger;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires provisioning: the fabric8 client (kubeconfig from {@code KUBECONFIG}, {@code ~/.kube/config}, or the
 * in-cluster service account, in fabric8's usual order), the {@code kubernetes} {@link ai.portal.tenant.domain.TeamSync},
 * the drift watcher and the health indicator. {@code portal.provisioning.enabled=false} turns all of it off.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ProvisioningProperties.class)
@ConditionalOnProperty(prefix = "portal.provisioning", name = "enabled", havingValue = "true", matchIfMissing = true)
public class ProvisioningConfiguration {

    /**
     * Closed when the context closes (Spring infers {@code close()}), after the watcher stopped. The kubeconfig is
     * the Spring property {@code portal.provisioning.kubeconfig} when set (so tests and profiles can point at a
     * cluster), else fabric8's usual search: {@code KUBECONFIG}, {@code ~/.kube/config}, in-cluster.
     */
    @Bean
    KubernetesClient kubernetesClient(@Value("${portal.provisioning.kubeconfig:}") String kubeconfig) throws IOException {
        if (kubeconfig.isBlank()) {
            return new KubernetesClientBuilder().build();
        }
        return new KubernetesClientBuilder()
                .withConfig(Config.fromKubeconfig(Files.readString(Path.of(kubeconfig))))
                .build();
    }

    @Bean
    AppliedVersions appliedVersions() {
        return new AppliedVersions();
    }

    @Bean
    KubernetesTeamSync kubernetesTeamSync(KubernetesClient client, ProvisioningProperties properties,
                                          AppliedVersions applied) {
        return new KubernetesTeamSync(client, properties, applied);
    }

    /** Looks the trigger up per event, so the work queue may itself depend on the syncs without a cycle. */
    @Bean
    ManagedObjectWatcher managedObjectWatcher(KubernetesClient client, ObjectProvider<ReconcileTrigger> triggers,
                                              AppliedVersions applied) {
        return new ManagedObjectWatcher(client, slug -> triggers.ifAvailable(t -> t.request(slug)), applied);
    }

    @Bean
    KubernetesHealthIndicator kubernetesHealthIndicator(KubernetesClient client, ManagedObjectWatcher watcher) {
        return new KubernetesHealthIndicator(client, watcher);
    }
}
