package ai.portal.jobs.serving;

import ai.portal.jobs.tracking.TrackingService;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ServingProperties.class)
class ServingConfiguration {

    @Bean
    ModelRegistry modelRegistry(WebClient.Builder http, TrackingService tracking) {
        return new ModelRegistry(http.clone().build(), tracking);
    }
}
