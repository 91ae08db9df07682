package ai.portal.platform.me;

import ai.portal.platform.security.CurrentUser;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Answers "which teams is this caller in" from a service's own data. */
@FunctionalInterface
public interface TeamDirectory {

    Flux<TeamMembership> teamsOf(CurrentUser user);

    /**
     * The caller's membership of one team, empty when they are not in it. A directory that reuses answers for a
     * while asks again before it says "not a member", so someone just added to a team is let in at once; only a
     * removal waits for the reused answer to expire.
     */
    default Mono<TeamMembership> membershipOf(CurrentUser user, String slug) {
        return teamsOf(user).filter(membership -> slug.equals(membership.slug())).next();
    }
}
