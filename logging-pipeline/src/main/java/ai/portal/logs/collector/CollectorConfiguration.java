package ai.portal.logs.collector;

import ai.portal.logs.kubernetes.PodMetadata;
import ai.portal.logs.opensearch.LogIndices;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Runs the collector in this process unless {@code portal.logs.collector.enabled=false}. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "portal.logs.collector.enabled", havingValue = "true", matchIfMissing = true)
public class CollectorConfiguration {

    @Bean(initMethod = "start", destroyMethod = "stop")
    LogCollector logCollector(CollectorProperties properties, LogIndices indices, OpenSearchClient client,
                              PodMetadata pods) {
        return new LogCollector(properties, indices, client, pods);
    }

    @Bean
    CollectorMetrics collectorMetrics(LogCollector collector) {
        return new CollectorMetrics(collector);
    }
}
