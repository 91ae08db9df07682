package ai.portal.tenant.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import ai.portal.platform.installation.Installation;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The cluster connection: the fabric8 client (kubeconfig from {@code portal.provisioning.kubeconfig}, else fabric8's
 * usual search: {@code KUBECONFIG}, {@code ~/.kube/config}, the in-cluster service account), the view whose
 * informers answer every read, and the health indicator. {@code portal.provisioning.enabled=false} leaves the
 * cluster alone.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "portal.provisioning", name = "enabled", havingValue = "true", matchIfMissing = true)
public class ClusterConfiguration {

    /** Closed when the context closes (Spring infers {@code close()}), after the view stopped. */
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
    ClusterView clusterView(KubernetesClient client, Installation installation) {
        return new ClusterView(client, installation.id());
    }

    @Bean
    KubernetesHealthIndicator kubernetesHealthIndicator(KubernetesClient client, ClusterView view) {
        return new KubernetesHealthIndicator(client, view);
    }
}
