package ai.portal.platform.me;

import ai.portal.platform.security.CurrentUser;
import ai.portal.platform.team.TeamNames;
import reactor.core.publisher.Flux;

/**
 * For a service run without tenant-service (tests of one service alone): teams are read from the token's
 * {@code groups} claim. Owners and members look alike in the token; only tenant-service knows which is which.
 * The realm sends full group paths: only {@code /teams/team-<slug>} counts, so a group named {@code team-<slug>}
 * anywhere else in the realm grants nothing.
 */
public class TokenGroupsTeamDirectory implements TeamDirectory {

    @Override
    public Flux<TeamMembership> teamsOf(CurrentUser user) {
        return Flux.fromIterable(user.groups())
                .mapNotNull(group -> TeamNames.parseGroup(group, true).orElse(null))
                .map(group -> new TeamMembership(group.slug(), group.slug(), group.viewers() ? "viewer" : "member"));
    }
}
