package ai.portal.tenant.domain;

/**
 * Asks for work to be converged soon. Requests for the same thing are coalesced: one run picks up everything that
 * changed before it started. Called after a database change, on watch events for objects a sync owns (drift), and
 * by the periodic resync.
 */
public interface ReconcileTrigger {

    /** One team: its namespace, queues and groups. */
    void request(String slug);

    /** The objects every team of the installation shares (the Kueue flavors and priority classes). */
    void requestInstallation();

    /** The shared objects and every team: after a change every team's objects depend on (the GPU catalogue). */
    void requestEverything();
}
