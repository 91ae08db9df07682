package ai.portal.tenant.sync;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * {@code reconciler} in {@code /actuator/health}: whether this replica leads (and who does), and on the leader the
 * loop's health: workers alive, the queue (waiting, processing, waiting to be retried), the last resync and the last
 * failure. DOWN when this replica leads but its workers are gone; a replica that does not lead is UP (it serves the
 * API and passes requests on).
 */
class ReconcilerHealthIndicator implements HealthIndicator {

    private final TeamReconciler reconciler;

    ReconcilerHealthIndicator(TeamReconciler reconciler) {
        this.reconciler = reconciler;
    }

    @Override
    public Health health() {
        Leadership leadership = reconciler.leadership();
        boolean leading = reconciler.isLeading();
        Health.Builder health = leading && reconciler.liveWorkers() == 0 ? Health.down() : Health.up();
        health.withDetail("leader", leading)
                .withDetail("identity", leadership.identity())
                .withDetail("leaderIdentity", String.valueOf(leadership.leader()))
                .withDetail("lease", leadership.lease());
        if (leading) {
            WorkQueue.Depth depth = reconciler.depth();
            health.withDetail("workers", reconciler.liveWorkers() + "/" + reconciler.properties().workers())
                    .withDetail("waiting", depth.waiting())
                    .withDetail("processing", depth.processing())
                    .withDetail("retrying", depth.retrying())
                    .withDetail("lastResync", reconciler.lastResync().map(Object::toString).orElse("never"))
                    .withDetail("lastFailure", reconciler.lastFailure());
        }
        return health.build();
    }
}
