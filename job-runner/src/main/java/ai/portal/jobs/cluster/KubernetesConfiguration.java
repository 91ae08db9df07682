package ai.portal.jobs.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import ai.portal.platform.installation.Installation;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The fabric8 client (closed with the context, after the informers stopped), the informer-backed
 * {@link ClusterState}, and the health indicator.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(KubernetesProperties.class)
class KubernetesConfiguration {

    @Bean
    KubernetesClient kubernetesClient(KubernetesProperties properties) throws IOException {
        if (properties.kubeconfig().isBlank()) {
            return new KubernetesClientBuilder().build();
        }
        return new KubernetesClientBuilder()
                .withConfig(Config.fromKubeconfig(Files.readString(Path.of(properties.kubeconfig()))))
                .build();
    }

    @Bean
    ClusterState clusterState(KubernetesClient client, Installation installation, KubernetesProperties properties) {
        return new ClusterState(client, installation, properties.resync(), properties.rightSizing());
    }

    @Bean
    KubernetesHealthIndicator kubernetesHealthIndicator(KubernetesClient client, ClusterState state) {
        return new KubernetesHealthIndicator(client, state);
    }
}
