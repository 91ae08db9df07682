package ai.portal.jobs.launch;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({LaunchLimits.class, SchedulerChoice.class})
class LaunchConfiguration {
}
