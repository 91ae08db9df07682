package ai.portal.tenant.domain;

import ai.portal.tenant.domain.TeamSnapshot;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Converges one external system towards a team's desired state (the Kubernetes namespace and its objects; the
 * Keycloak groups). Implementations are idempotent and level-triggered: they look at what is there now, never at
 * what changed, so running one twice, or after a crash half-way, is always safe.
 */
public interface TeamSync {

    /** Short name for status and logs, e.g. {@code kubernetes}, {@code keycloak}. */
    String name();

    /** Makes the system match the team; completes with an error whose message a person can act on. */
    Mono<Void> converge(TeamSnapshot team);

    /** Removes everything this sync created for the team; succeeds when there is nothing left. */
    Mono<Void> remove(String slug);

    /**
     * Slugs of the teams this sync finds traces of (namespaces, groups) in its system. The resync removes those
     * that have no team in the database: left over after a crash, or made by hand to look like ours.
     */
    default Flux<String> managedSlugs() {
        return Flux.empty();
    }
}
