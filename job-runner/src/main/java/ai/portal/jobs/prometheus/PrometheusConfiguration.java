package ai.portal.jobs.prometheus;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(PrometheusProperties.class)
class PrometheusConfiguration {

    @Bean
    Prometheus prometheus(WebClient.Builder http, PrometheusProperties properties) {
        return new Prometheus(http.clone().build(), properties);
    }
}
