package ai.portal.jobs.audit;

import java.time.Instant;
import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;
import tools.jackson.databind.JsonNode;

/**
 * One audited call: who did what to which target, what it looked like before and after, and how it ended. The same
 * shape as tenant-service's audit rows, so an admin reads both logs alike.
 */
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
        /** it broke on our side or in the cluster */
        FAILED;

        @JsonValue
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
