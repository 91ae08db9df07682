package ai.portal.tenant.sync;

import java.time.Instant;
import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;

/** What one sync (kubernetes, keycloak) last found when it converged a team. */
public record SyncStatus(String sync, State state, String message, Instant observedAt) {

    public enum State {
        PENDING, READY, ERROR;

        @JsonValue
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
