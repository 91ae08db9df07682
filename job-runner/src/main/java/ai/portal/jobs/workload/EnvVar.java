package ai.portal.jobs.workload;

/** One environment variable of a training job. */
public record EnvVar(String name, String value) {
}
