package ai.portal.tenant.domain;

import java.util.List;

import ai.portal.platform.team.TeamNames;

/**
 * One team as the database holds it: the desired state that the Kubernetes namespace, the Kueue queues and the
 * Keycloak groups are converged to. Built fresh from the database for every reconciliation, never cached.
 *
 * @param gpuTypes the GPU type catalogue of the installation, in its order: the team's queue has a flavor for each,
 *                 with the team's quota of that type or 0
 */
public record TeamSnapshot(String slug, String displayName, String description, TeamState state, Quota quota,
                           List<Member> members, List<String> gpuTypes) {

    public TeamSnapshot {
        members = List.copyOf(members);
        gpuTypes = List.copyOf(gpuTypes);
    }

    /** A snapshot whose catalogue is the GPU types its quota names. */
    public TeamSnapshot(String slug, String displayName, String description, TeamState state, Quota quota,
                        List<Member> members) {
        this(slug, displayName, description, state, quota, members, List.copyOf(quota.gpus().keySet()));
    }

    /** The team's namespace, as {@link TeamNames#namespace} names it. */
    public String namespace() {
        return TeamNames.namespace(slug);
    }
}
