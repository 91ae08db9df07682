package ai.portal.tenant.audit;

import java.time.Instant;
import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;
import tools.jackson.databind.JsonNode;

/** One audited call: who did what to which target, what it looked like before and after, and how it ended. */
public record AuditEvent(long id, Instant at, String actorSubject, String actorUsername, String team, String action,
                         String target, JsonNode before, JsonNode after, Outcome outcome, String detail,
                         String requestId) {

    public enum Outcome {
        /** done */
        SUCCESS,
        /** the caller may not do this */
        DENIED,
        /** the request was invalid or conflicted with the current state; nothing changed */
        REJECTED,
        /** it broke on our side */
        FAILED;

        @JsonValue
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
