package ai.portal.logs.kubernetes;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;
import reactor.core.publisher.Flux;

/**
 * Connects to the cluster when there is one to connect to (KUBECONFIG, {@code ~/.kube/config}, or a service
 * account in a pod) and {@code portal.logs.kubernetes.enabled} is not false; otherwise the service runs without
 * pod labels and without the pod log fallback, and says so once.
 */
@Configuration(proxyBeanMethods = false)
public class KubernetesConfiguration {

    private static final Logger log = LoggerFactory.getLogger(KubernetesConfiguration.class);

    /** Holds the cluster access without exposing its interfaces as beans of their own (one bean per role below). */
    record ClusterConnection(ClusterAccess access) implements AutoCloseable {
        @Override
        public void close() {
            access.close();
        }
    }

    @Bean(destroyMethod = "close")
    @Conditional(ClusterConfigured.class)
    ClusterConnection clusterConnection(KubernetesProperties properties) {
        return new ClusterConnection(new ClusterAccess(new KubernetesClientBuilder().build(), properties));
    }

    @Bean
    PodMetadata podMetadata(ObjectProvider<ClusterConnection> cluster) {
        ClusterAccess access = accessOf(cluster);
        if (access == null) {
            log.info("No Kubernetes cluster configured: log records carry no pod labels, the live tail has no "
                    + "pod log fallback");
            return PodMetadata.NONE;
        }
        return access::lookup; // one role per bean: the object itself is both a PodMetadata and a PodLogSource
    }

    @Bean
    PodLogSource podLogSource(ObjectProvider<ClusterConnection> cluster) {
        ClusterAccess access = accessOf(cluster);
        if (access == null) {
            return PodLogSource.NONE;
        }
        return new PodLogSource() {
            @Override
            public boolean available() {
                return access.available();
            }

            @Override
            public Flux<PodLogLine> after(String namespace, Selection selection,
                                                   Instant after) {
                return access.after(namespace, selection, after);
            }
        };
    }

    @Bean
    PodEvents podEvents(ObjectProvider<ClusterConnection> cluster) {
        ClusterAccess access = accessOf(cluster);
        return access == null ? PodEvents.NONE : access::addPodHandler;
    }

    private static ClusterAccess accessOf(ObjectProvider<ClusterConnection> cluster) {
        ClusterConnection connection = cluster.getIfAvailable();
        return connection == null ? null : connection.access();
    }

    static final class ClusterConfigured implements Condition {

        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            if (!context.getEnvironment().getProperty("portal.logs.kubernetes.enabled", Boolean.class, true)) {
                return false;
            }
            String kubeconfig = context.getEnvironment().getProperty("KUBECONFIG");
            if (kubeconfig != null && !kubeconfig.isBlank()) {
                return Files.isRegularFile(Path.of(kubeconfig.split(File.pathSeparator)[0]));
            }
            return context.getEnvironment().getProperty("KUBERNETES_SERVICE_HOST") != null
                    || Files.isRegularFile(Path.of(System.getProperty("user.home"), ".kube", "config"));
        }
    }
}
