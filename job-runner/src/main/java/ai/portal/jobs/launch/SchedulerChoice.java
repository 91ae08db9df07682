package ai.portal.jobs.launch;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Which scheduler profiles a workload may choose ({@code portal.jobs.scheduling.*}) and the one it gets when it
 * names none: the platform's default. The names are profiles of the cluster's scheduler
 * ({@code infra/local-cluster/config/scheduler-gpu-packing.yaml}: {@code default-scheduler} packs GPUs,
 * {@code gpu-fit} is the fragmentation- and NVLink-aware plugin).
 */
@ConfigurationProperties("portal.jobs.scheduling")
public record SchedulerChoice(
        @DefaultValue("default-scheduler") String defaultScheduler,
        @DefaultValue({"default-scheduler", "gpu-fit"}) List<String> allowed) {

    public static final SchedulerChoice DEFAULTS = new SchedulerChoice("default-scheduler",
            List.of("default-scheduler", "gpu-fit"));

    public SchedulerChoice {
        allowed = List.copyOf(allowed);
        if (!allowed.contains(defaultScheduler)) {
            throw new IllegalArgumentException("portal.jobs.scheduling.default-scheduler " + defaultScheduler
                    + " is not in portal.jobs.scheduling.allowed " + allowed);
        }
    }
}
