package ai.portal.platform.me;

import ai.portal.platform.security.CurrentUser;
import ai.portal.platform.team.TeamNames;
import reactor.core.publisher.Flux;

/**
 * For a service run without tenant-service (tests of one service alone): teams are read from the token's
 * {@code groups} claim. Owners and members look alike in the token; only tenant-service knows which is which.
 * Until the realm sends full group paths, plain names {@code team-<slug>} are accepted too.
 */
public class TokenGroupsTeamDirectory implements TeamDirectory {

    @Override
    public Flux<TeamMembership> teamsOf(CurrentUser user) {
        return Flux.fromIterable(user.groups())
                .mapNotNull(group -> TeamNames.parseGroup(group, false).orElse(null))
                .map(group -> new TeamMembership(group.slug(), group.slug(), group.viewers() ? "viewer" : "member"));
    }
}
