package ai.portal.tenant.sync;

import java.time.Instant;

/** What one sync (kubernetes, keycloak) last found when it converged a team. */
public record SyncStatus(String sync, State state, String message, Instant observedAt) {

    public enum State {
        PENDING, READY, ERROR;

        @com.fasterxml.jackson.annotation.JsonValue
        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
