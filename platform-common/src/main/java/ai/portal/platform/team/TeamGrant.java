package ai.portal.platform.team;

import java.util.Optional;

/**
 * What an access check granted: the team, its namespace, and the caller's role in it (empty for a platform admin
 * who is not a member).
 */
public record TeamGrant(String slug, Optional<TeamRole> role, boolean platformAdmin) {

    public String namespace() {
        return TeamNames.namespace(slug);
    }

    public boolean canEdit() {
        return platformAdmin || role.map(TeamRole::canEdit).orElse(false);
    }
}
