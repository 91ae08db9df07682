package ai.portal.platform.team;

import java.util.Optional;

import ai.portal.platform.me.TeamDirectory;
import ai.portal.platform.security.CurrentUser;
import reactor.core.publisher.Mono;

/**
 * The one access check every service makes before it touches a team's data: the caller's role comes from the
 * {@link TeamDirectory} (tenant-service's database, directly or over its API), never from a team name the client
 * sent. Platform admins may do everything.
 */
public class TeamAuthorizer {

    private final TeamDirectory directory;

    public TeamAuthorizer(TeamDirectory directory) {
        this.directory = directory;
    }

    /** The grant, when the caller may do what {@code need} says in team {@code slug}; else a {@link TeamAccessDenied}. */
    public Mono<TeamGrant> require(CurrentUser caller, String slug, TeamPermission need) {
        if (!TeamNames.isSlug(slug)) {
            return Mono.error(TeamAccessDenied.notFoundOrNotAllowed(slug));
        }
        Mono<Optional<TeamRole>> role = directory.membershipOf(caller, slug)
                .map(membership -> TeamRole.parse(membership.role()))
                .defaultIfEmpty(Optional.empty());
        return role.flatMap(found -> {
            if (caller.isPlatformAdmin()) {
                return Mono.just(new TeamGrant(slug, found, true));
            }
            if (found.isEmpty()) {
                return Mono.error(TeamAccessDenied.notFoundOrNotAllowed(slug));
            }
            return found.get().allows(need)
                    ? Mono.just(new TeamGrant(slug, found, false))
                    : Mono.error(TeamAccessDenied.forbidden(slug, need));
        });
    }
}
