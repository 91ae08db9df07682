package ai.portal.jobs.workload;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;

/** What the user last asked of a workload; the reconciler makes Kubernetes match it. */
public enum Desired {
    /** notebook started, job submitted */
    RUNNING,
    /** notebook stopped: replicas 0, workspace kept */
    STOPPED,
    /** job cancelled: its Job is deleted, its row and history stay */
    CANCELLED,
    /** deleted: objects removed (the workspace only when asked); the row stays for usage and history */
    DELETED;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Desired fromWire(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
