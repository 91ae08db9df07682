package ai.portal.tenant.sync;

import java.util.List;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * A team's provisioning status as users see it, derived from its syncs: {@code Ready} when every sync converged,
 * {@code Error} with the first sync's message when one failed, {@code Provisioning} otherwise.
 */
public record TeamStatus(@Schema(example = "Ready", allowableValues = {"Provisioning", "Ready", "Error", "Deleting"})
                         String phase,
                         String message,
                         List<SyncStatus> syncs) {

    static TeamStatus of(List<SyncStatus> syncs, int expectedSyncs, boolean deleting) {
        if (deleting) {
            return new TeamStatus("Deleting", "Removing the namespace and groups", syncs);
        }
        var failed = syncs.stream().filter(s -> s.state() == SyncStatus.State.ERROR).findFirst();
        if (failed.isPresent()) {
            return new TeamStatus("Error", failed.get().sync() + ": " + failed.get().message(), syncs);
        }
        boolean allReady = syncs.size() >= expectedSyncs
                && syncs.stream().allMatch(s -> s.state() == SyncStatus.State.READY);
        return allReady ? new TeamStatus("Ready", "", syncs) : new TeamStatus("Provisioning", "", syncs);
    }
}
