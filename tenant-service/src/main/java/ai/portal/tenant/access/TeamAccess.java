package ai.portal.tenant.access;

import ai.portal.platform.security.CurrentUser;
import ai.portal.platform.team.TeamAccessDenied;
import ai.portal.platform.team.TeamPermission;
import ai.portal.platform.team.TeamRole;
import ai.portal.tenant.domain.TeamProblems;
import ai.portal.tenant.domain.TeamRecord;
import ai.portal.tenant.store.TeamRepository;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Decides from tenant-service's own membership rows, never from a team name in the request or the token, whether
 * the caller may act on a team: the same {@link TeamPermission}s and {@link TeamRole#allows} rule as every other
 * service's {@code TeamAuthorizer}, answered from the database instead of over the API. Platform admins may do
 * everything. Unlike the other services, tenant-service tells a missing team (404) from a team the caller is not in
 * (403): it is the service that manages teams.
 */
@Component
public class TeamAccess {

    private final TeamRepository teams;

    TeamAccess(TeamRepository teams) {
        this.teams = teams;
    }

    /** The team, when the caller may do what {@code need} says; else 404 (no such team) or 403. */
    public Mono<TeamRecord> require(CurrentUser caller, String slug, TeamPermission need) {
        return teams.find(slug)
                .switchIfEmpty(Mono.error(() -> TeamProblems.teamNotFound(slug)))
                .flatMap(team -> caller.isPlatformAdmin()
                        ? Mono.just(team)
                        : teams.roleOf(slug, caller.subject())
                                .filter(role -> role.allows(need))
                                .map(role -> team)
                                .switchIfEmpty(Mono.error(() -> TeamAccessDenied.forbidden(slug, need))));
    }

    /** Completes when the caller is a platform admin; else 403. */
    public static Mono<Void> requireAdmin(CurrentUser caller) {
        return caller.isPlatformAdmin() ? Mono.empty()
                : Mono.error(TeamProblems.notAllowed("Only platform admins can do this."));
    }

    /** The caller's role in the team, empty when not a member (admins included, unless they are members). */
    public Mono<TeamRole> roleOf(CurrentUser caller, String slug) {
        return teams.roleOf(slug, caller.subject());
    }
}
