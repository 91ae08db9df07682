package ai.portal.platform.me;

import ai.portal.platform.security.CurrentUser;
import reactor.core.publisher.Flux;

/**
 * For services that keep no membership data of their own: teams are read from the token's {@code groups} claim.
 * tenant-service keeps two Keycloak groups per team: {@code team-<slug>} for owners and members (they edit) and
 * {@code team-<slug>.viewers} for viewers. Slugs have no dots, so the two never clash. Owners and members look
 * alike in the token; only tenant-service knows which is which.
 */
public class TokenGroupsTeamDirectory implements TeamDirectory {

    static final String GROUP_PREFIX = "team-";
    static final String VIEWERS_SUFFIX = ".viewers";

    @Override
    public Flux<TeamMembership> teamsOf(CurrentUser user) {
        return Flux.fromIterable(user.groups())
                .filter(group -> group.startsWith(GROUP_PREFIX) && group.length() > GROUP_PREFIX.length())
                .map(group -> group.substring(GROUP_PREFIX.length()))
                .map(name -> name.endsWith(VIEWERS_SUFFIX)
                        ? membership(name.substring(0, name.length() - VIEWERS_SUFFIX.length()), "viewer")
                        : membership(name, "member"));
    }

    private static TeamMembership membership(String slug, String role) {
        return new TeamMembership(slug, slug, role);
    }
}
