package ai.portal.platform.me;

import ai.portal.platform.security.CurrentUser;
import reactor.core.publisher.Flux;

/**
 * For services that keep no membership data of their own: teams are read from the token's {@code groups} claim,
 * where tenant-service keeps one Keycloak group {@code team-<slug>} per team. The role is not in the token.
 */
public class TokenGroupsTeamDirectory implements TeamDirectory {

    static final String GROUP_PREFIX = "team-";

    @Override
    public Flux<TeamMembership> teamsOf(CurrentUser user) {
        return Flux.fromIterable(user.groups())
                .filter(group -> group.startsWith(GROUP_PREFIX) && group.length() > GROUP_PREFIX.length())
                .map(group -> group.substring(GROUP_PREFIX.length()))
                .map(slug -> new TeamMembership(slug, slug, null));
    }
}
