package ai.portal.jobs.serving;

/**
 * A deployment as the team asked for it (validated): the row in {@code model_deployment} and what the model
 * ({@link ServingResources}) turns into objects.
 *
 * @param rateLimit requests per second one caller (an API key, a member) may send it through the gateway
 */
record ModelDeployment(String name, String model, int version, int replicas, String cpu, String memory,
                       int rateLimit) {

    /** The same deployment serving another version of its model. */
    ModelDeployment withVersion(int newVersion) {
        return new ModelDeployment(name, model, newVersion, replicas, cpu, memory, rateLimit);
    }

    ModelDeployment withReplicas(int newReplicas) {
        return new ModelDeployment(name, model, version, newReplicas, cpu, memory, rateLimit);
    }

    ModelDeployment withRateLimit(int newRateLimit) {
        return new ModelDeployment(name, model, version, replicas, cpu, memory, newRateLimit);
    }
}
