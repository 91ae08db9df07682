package ai.portal.jobs.launch;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Bounds and defaults of a launch ({@code portal.jobs.limits.*}). The team's quotas and the cluster's nodes bound a
 * launch further; these keep one request sane whatever the quota.
 */
@ConfigurationProperties("portal.jobs.limits")
public record LaunchLimits(
        @DefaultValue("8") int maxGpus,
        @DefaultValue("64") String maxCpu,
        @DefaultValue("128Mi") String minMemory,
        @DefaultValue("1Ti") String maxMemory,
        @DefaultValue("1Gi") String minWorkspace,
        @DefaultValue("1Ti") String maxWorkspace,
        @DefaultValue("1") String defaultCpu,
        @DefaultValue("4Gi") String defaultMemory,
        @DefaultValue("10Gi") String defaultWorkspace,
        @DefaultValue("24h") Duration defaultMaxRuntime,
        @DefaultValue("1m") Duration minMaxRuntime,
        @DefaultValue("7d") Duration maxMaxRuntime,
        @DefaultValue("10") int maxRetries) {

    public static final LaunchLimits DEFAULTS = new LaunchLimits(8, "64", "128Mi", "1Ti", "1Gi", "1Ti", "1", "4Gi",
            "10Gi", Duration.ofHours(24), Duration.ofMinutes(1), Duration.ofDays(7), 10);
}
