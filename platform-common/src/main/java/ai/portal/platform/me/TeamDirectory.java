package ai.portal.platform.me;

import ai.portal.platform.security.CurrentUser;
import reactor.core.publisher.Flux;

/** Answers "which teams is this caller in" from a service's own data. */
@FunctionalInterface
public interface TeamDirectory {

    Flux<TeamMembership> teamsOf(CurrentUser user);
}
