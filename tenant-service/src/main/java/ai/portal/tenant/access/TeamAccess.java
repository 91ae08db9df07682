package ai.portal.tenant.access;

import ai.portal.platform.security.CurrentUser;
import ai.portal.tenant.domain.TeamProblems;
import ai.portal.tenant.store.TeamRepository;
import ai.portal.tenant.domain.TeamRecord;
import ai.portal.platform.team.TeamRole;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Decides from tenant-service's own membership rows, never from a team name in the request or the token, whether
 * the caller may act on a team. Platform admins may do everything.
 */
@Component
public class TeamAccess {

    /** What an action needs. */
    public enum Need {
        /** any member, viewers included */
        VIEW,
        /** owners and members */
        EDIT,
        /** owners */
        MANAGE,
        /** platform admins only */
        ADMIN
    }

    private final TeamRepository teams;

    TeamAccess(TeamRepository teams) {
        this.teams = teams;
    }

    /** The team, when the caller may do what {@code need} says; else 404 (no such team) or 403. */
    public Mono<TeamRecord> require(CurrentUser caller, String slug, Need need) {
        return teams.find(slug)
                .switchIfEmpty(Mono.error(() -> TeamProblems.teamNotFound(slug)))
                .flatMap(team -> caller.isPlatformAdmin()
                        ? Mono.just(team)
                        : teams.roleOf(slug, caller.subject())
                                .filter(role -> allows(role, need))
                                .map(role -> team)
                                .switchIfEmpty(Mono.error(() -> TeamProblems.notAllowed(denial(slug, need)))));
    }

    /** Completes when the caller is a platform admin; else 403. */
    public static Mono<Void> requireAdmin(CurrentUser caller) {
        return caller.isPlatformAdmin() ? Mono.empty()
                : Mono.error(TeamProblems.notAllowed(denial(null, Need.ADMIN)));
    }

    /** The caller's role in the team, empty when not a member (admins included, unless they are members). */
    public Mono<TeamRole> roleOf(CurrentUser caller, String slug) {
        return teams.roleOf(slug, caller.subject());
    }

    static boolean allows(TeamRole role, Need need) {
        return switch (need) {
            case VIEW -> true;
            case EDIT -> role.canEdit();
            case MANAGE -> role == TeamRole.OWNER;
            case ADMIN -> false;
        };
    }

    private static String denial(String slug, Need need) {
        return switch (need) {
            case VIEW -> "You are not a member of team '" + slug + "'.";
            case EDIT -> "Viewers of team '" + slug + "' cannot change it; ask an owner for the member role.";
            case MANAGE -> "Only owners of team '" + slug + "' and platform admins can do this.";
            case ADMIN -> "Only platform admins can do this.";
        };
    }
}
