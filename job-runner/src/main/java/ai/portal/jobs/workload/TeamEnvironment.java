package ai.portal.jobs.workload;

import java.util.Map;
import java.util.Set;

import reactor.core.publisher.Mono;

/**
 * Variables the portal gives every new pod of a team, from features the team switched on (experiment tracking's
 * {@code MLFLOW_TRACKING_URI}). A variable the user set in the launch request wins. A running notebook keeps what it
 * started with: changing its pod template would restart it, so it gets a change at its next start.
 */
public interface TeamEnvironment {

    /** Every variable name this may ever give (those a running notebook keeps as they are). */
    Set<String> names();

    /** The variables for a pod of {@code team} starting now. */
    Mono<Map<String, String>> of(String team);

    TeamEnvironment NONE = new TeamEnvironment() {
        @Override
        public Set<String> names() {
            return Set.of();
        }

        @Override
        public Mono<Map<String, String>> of(String team) {
            return Mono.just(Map.of());
        }
    };
}
