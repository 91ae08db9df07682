package ai.portal.jobs.workload;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;

/** The kinds of workload the job runner runs. Model services come later with their own kind. */
public enum WorkloadKind {
    /** an interactive JupyterLab: StatefulSet of one, Service, workspace claim, token Secret */
    NOTEBOOK,
    /** a training job: batch/v1 Job */
    JOB;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static WorkloadKind fromWire(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }

    /** The Kubernetes kind that carries it, as Kueue's Workload names its owner. */
    public String objectKind() {
        return this == NOTEBOOK ? "StatefulSet" : "Job";
    }
}
