package ai.portal.logs.metrics;

import java.time.Clock;
import java.util.Optional;

import ai.portal.logs.kubernetes.PodEvents;
import ai.portal.platform.installation.Installation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;

/** Wires the GPU metrics API: Prometheus' client (when a URL is set), the workload pod index, the use cases. */
@Configuration(proxyBeanMethods = false)
public class MetricsConfiguration {

    private static final Logger log = LoggerFactory.getLogger(MetricsConfiguration.class);

    @Bean
    WorkloadPods workloadPods(PodEvents podEvents, Installation installation, MetricsProperties properties) {
        WorkloadPodIndex index = new WorkloadPodIndex(installation.id(), properties.maxRange(), Clock.systemUTC());
        podEvents.subscribe(index);
        return index;
    }

    @Bean
    GpuMetrics gpuMetrics(WebClient.Builder http, WorkloadPods workloadPods, MetricsProperties properties) {
        Optional<PrometheusClient> prometheus = Optional.ofNullable(properties.prometheusUrl())
                .map(url -> new PrometheusClient(http, url, properties.timeout()));
        if (prometheus.isEmpty()) {
            log.info("No Prometheus configured (portal.metrics.prometheus-url): the GPU metrics API answers 503");
        }
        return new GpuMetrics(prometheus, new GpuQueries(properties.recordingRules()), workloadPods, properties,
                Clock.systemUTC());
    }
}
