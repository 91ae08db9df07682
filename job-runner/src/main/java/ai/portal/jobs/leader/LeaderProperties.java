package ai.portal.jobs.leader;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The Lease that makes one replica the writer ({@code portal.jobs.leader.*}).
 *
 * @param namespace     where the Lease lives: the portal's own namespace in a cluster, {@code default} locally
 * @param leaseDuration how long a leader that stopped renewing keeps the lease (how long a crash leaves no writer)
 * @param renewDeadline how long the leader tries to renew before it gives up leading
 * @param retryPeriod   how often candidates try to take the lease, and the leader renews it
 */
@ConfigurationProperties("portal.jobs.leader")
public record LeaderProperties(
        @DefaultValue("default") String namespace,
        @DefaultValue("15s") Duration leaseDuration,
        @DefaultValue("10s") Duration renewDeadline,
        @DefaultValue("2s") Duration retryPeriod) {
}
