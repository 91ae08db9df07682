package ai.portal.tenant.domain;

import java.util.List;

import ai.portal.platform.team.TeamNames;

/**
 * One team as the database holds it: the desired state that the Kubernetes namespace and the Keycloak groups are
 * converged to. Built fresh from the database for every reconciliation, never cached.
 */
public record TeamSnapshot(String slug, String displayName, String description, TeamState state, Quota quota,
                           List<Member> members) {

    public TeamSnapshot {
        members = List.copyOf(members);
    }

    /** The team's namespace, as {@link TeamNames#namespace} names it. */
    public String namespace() {
        return TeamNames.namespace(slug);
    }
}
