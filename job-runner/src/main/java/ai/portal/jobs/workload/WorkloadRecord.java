package ai.portal.jobs.workload;

import java.time.Instant;
import java.util.UUID;

import ai.portal.platform.team.TeamNames;

/**
 * One notebook or job as the database keeps it: the truth Kubernetes is converged to.
 *
 * @param objectUid the uid of its Job or StatefulSet once created; null if it was never applied
 */
public record WorkloadRecord(UUID id, String team, String name, WorkloadKind kind, String ownerSubject,
                             String ownerUsername, WorkloadSpec spec, Desired desired, boolean deleteWorkspace,
                             String objectUid, Instant createdAt, Instant updatedAt, Instant deletedAt) {

    public String namespace() {
        return TeamNames.namespace(team);
    }

    public boolean live() {
        return deletedAt == null;
    }

    public boolean notebook() {
        return kind == WorkloadKind.NOTEBOOK;
    }
}
