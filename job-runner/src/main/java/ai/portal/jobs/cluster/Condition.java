package ai.portal.jobs.cluster;

import java.time.Instant;

/** A status condition as Kubernetes and Kueue write them. */
public record Condition(String type, boolean status, String reason, String message, Instant lastTransition) {

    static Condition parse(Object raw) {
        return new Condition(Fields.string(raw, "type"), "True".equals(Fields.string(raw, "status")),
                nullToEmpty(Fields.string(raw, "reason")), nullToEmpty(Fields.string(raw, "message")),
                Fields.instant(raw, "lastTransitionTime"));
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }
}
