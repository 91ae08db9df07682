package ai.portal.jobs.status;

import com.fasterxml.jackson.annotation.JsonValue;

/** Where a workload is in its life, in the words the portal shows. */
public enum Phase {
    /** not running yet: waiting in the queue, for a node, or starting; {@link Stage} says which */
    PENDING("Pending"),
    RUNNING("Running"),
    /** a notebook being scaled down */
    STOPPING("Stopping"),
    /** a notebook at zero replicas; its workspace is kept */
    STOPPED("Stopped"),
    SUCCEEDED("Succeeded"),
    FAILED("Failed"),
    /** a job cancelled by a user */
    CANCELLED("Cancelled"),
    DELETING("Deleting");

    private final String wireName;

    Phase(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    public static Phase fromWire(String value) {
        for (Phase phase : values()) {
            if (phase.wireName.equals(value)) {
                return phase;
            }
        }
        throw new IllegalArgumentException("no phase " + value);
    }

    /** Nothing more will happen to it without a user acting. */
    public boolean terminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED || this == STOPPED;
    }

    /** Which part of "not running yet" a pending workload is in. */
    public enum Stage {
        /** the job runner has not created its objects yet */
        CREATING("creating"),
        /** created; Kueue has not seen it yet */
        SUBMITTED("submitted"),
        /** waiting in the team's queue for quota */
        QUEUED("queued"),
        /** admitted; waiting for a node */
        SCHEDULING("scheduling"),
        /** on a node; image, volumes, container start, readiness */
        STARTING("starting"),
        /** Kubernetes refuses to create its pod (e.g. the namespace's ResourceQuota) */
        BLOCKED("blocked");

        private final String wireName;

        Stage(String wireName) {
            this.wireName = wireName;
        }

        @JsonValue
        public String wireName() {
            return wireName;
        }
    }
}
