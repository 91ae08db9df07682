package ai.portal.jobs.serving;

/**
 * A deployment as the team asked for it (validated): the row in {@code model_deployment} and what the model
 * ({@link ServingResources}) turns into objects.
 *
 * @param replicas    the fixed replica count; with autoscaling, the minimum (what it starts with)
 * @param rateLimit   requests per second one caller (an API key, a member) may send it through the gateway
 * @param autoscaling the HorizontalPodAutoscaler's bounds and targets, validated and with its defaults filled in;
 *                    null: a fixed replica count
 */
record ModelDeployment(String name, String model, int version, int replicas, String cpu, String memory,
                       int rateLimit, ModelAutoscaling autoscaling) {

    /** A deployment with a fixed replica count. */
    ModelDeployment(String name, String model, int version, int replicas, String cpu, String memory, int rateLimit) {
        this(name, model, version, replicas, cpu, memory, rateLimit, null);
    }

    /** The same deployment serving another version of its model. */
    ModelDeployment withVersion(int newVersion) {
        return new ModelDeployment(name, model, newVersion, replicas, cpu, memory, rateLimit, autoscaling);
    }

    ModelDeployment withReplicas(int newReplicas) {
        return new ModelDeployment(name, model, version, newReplicas, cpu, memory, rateLimit, autoscaling);
    }

    /** The same deployment with other requests per replica (a rolling update). */
    ModelDeployment withSize(String newCpu, String newMemory) {
        return new ModelDeployment(name, model, version, replicas, newCpu, newMemory, rateLimit, autoscaling);
    }

    ModelDeployment withRateLimit(int newRateLimit) {
        return new ModelDeployment(name, model, version, replicas, cpu, memory, newRateLimit, autoscaling);
    }

    /** A fixed replica count: autoscaling off. */
    ModelDeployment withFixedReplicas(int newReplicas) {
        return new ModelDeployment(name, model, version, newReplicas, cpu, memory, rateLimit, null);
    }

    /** Autoscaling on (validated): it starts with its minimum. */
    ModelDeployment withAutoscaling(ModelAutoscaling policy) {
        return new ModelDeployment(name, model, version, policy.minReplicas(), cpu, memory, rateLimit, policy);
    }

    boolean autoscaled() {
        return autoscaling != null;
    }

    /** The most replicas it may run (the quota must hold them all). */
    int maxReplicas() {
        return autoscaling == null ? replicas : autoscaling.maxReplicas();
    }
}
