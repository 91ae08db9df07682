package ai.portal.jobs.culling;

import ai.portal.jobs.cluster.ClusterState;
import ai.portal.jobs.launch.LaunchService;
import ai.portal.jobs.leader.Leadership;
import ai.portal.jobs.prometheus.Prometheus;
import ai.portal.jobs.proxy.NotebookTargets;
import ai.portal.jobs.settings.TeamIdleLimitsService;
import ai.portal.jobs.workload.NotebookMarks;
import ai.portal.jobs.workload.WorkloadRepository;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(CullingProperties.class)
class CullingConfiguration {

    @Bean
    JupyterActivity jupyterActivity(WebClient.Builder http, CullingProperties properties) {
        return new JupyterActivity(http.clone().build(), properties);
    }

    @Bean
    GpuUtilisation gpuUtilisation(Prometheus prometheus, CullingProperties properties) {
        return new GpuUtilisation(prometheus, properties);
    }

    @Bean
    IdleCuller idleCuller(WorkloadRepository workloads, ClusterState cluster, NotebookTargets targets,
                          JupyterActivity jupyter, GpuUtilisation gpus, TeamIdleLimitsService settings,
                          LaunchService launches, NotebookMarks marks, Leadership leadership,
                          CullingProperties properties, MeterRegistry meters) {
        return new IdleCuller(workloads, cluster, targets, jupyter, gpus, settings, launches, marks, leadership,
                properties, meters);
    }
}
