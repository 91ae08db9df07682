package ai.portal.tenant.sync;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The reconcile loop ({@code portal.reconcile.*}).
 *
 * @param resyncPeriod   how often the leader requests every team even when nothing was seen to change
 * @param orphanGrace    how long traces of a team the database does not know (a namespace, groups) are left alone
 *                       before the resync removes them
 * @param workers        how many teams are converged at once
 * @param runTimeout     how long one team's run may take before the loop stops waiting for it, counts it as failed
 *                       and moves on (the team is run again, with backoff, once that run has really ended)
 * @param retryBase      the first retry's delay after a failed run; doubled per failure in a row
 * @param retryMax       the longest delay between retries of one team
 * @param leaseNamespace the namespace of the {@code coordination.k8s.io} Lease the replicas elect a leader with
 * @param leaseDuration  how long a lease holds without renewal: how soon another replica takes over after a crash
 * @param renewDeadline  how long the leader keeps trying to renew before it gives up leading
 * @param retryPeriod    how often replicas try to take or renew the lease
 */
@ConfigurationProperties("portal.reconcile")
public record ReconcileProperties(
        @DefaultValue("5m") Duration resyncPeriod,
        @DefaultValue("10m") Duration orphanGrace,
        @DefaultValue("4") int workers,
        @DefaultValue("2m") Duration runTimeout,
        @DefaultValue("1s") Duration retryBase,
        @DefaultValue("5m") Duration retryMax,
        @DefaultValue("default") String leaseNamespace,
        @DefaultValue("15s") Duration leaseDuration,
        @DefaultValue("10s") Duration renewDeadline,
        @DefaultValue("2s") Duration retryPeriod) {

    public ReconcileProperties {
        if (workers < 1) {
            throw new IllegalArgumentException("portal.reconcile.workers must be at least 1, was " + workers);
        }
    }
}
