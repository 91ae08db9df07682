package ai.portal.jobs.serving;

/**
 * A deployment as the team asked for it (validated): the row in {@code model_deployment} and what the model
 * ({@link ServingResources}) turns into objects.
 */
record ModelDeployment(String name, String model, int version, int replicas, String cpu, String memory) {
}
