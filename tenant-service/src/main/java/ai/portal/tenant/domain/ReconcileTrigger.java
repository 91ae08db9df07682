package ai.portal.tenant.domain;

/**
 * Asks for a team to be reconciled soon. Requests for the same team are coalesced: one run picks up everything
 * that changed before it started. Called after a database change, on watch events for objects a sync owns (drift),
 * and by the periodic resync.
 */
public interface ReconcileTrigger {

    void request(String slug);
}
