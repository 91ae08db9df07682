package ai.portal.jobs.serving;

/**
 * A deployment as the team asked for it (validated): the row in {@code model_deployment} and what the model
 * ({@link ServingResources}) turns into objects.
 *
 * @param replicas    the fixed replica count; with autoscaling, the minimum (what it starts with)
 * @param gpuType     the GPU type every replica runs on (the catalogue's name, the nodes' product label); null for
 *                    CPU serving
 * @param gpus        GPUs per replica (0: CPU serving)
 * @param rateLimit   requests per second one caller (an API key, a member) may send it through the gateway
 * @param autoscaling the HorizontalPodAutoscaler's bounds and targets, validated and with its defaults filled in;
 *                    null: a fixed replica count
 */
record ModelDeployment(String name, String model, int version, int replicas, String cpu, String memory,
                       String gpuType, int gpus, int rateLimit, ModelAutoscaling autoscaling) {

    /** A CPU deployment with a fixed replica count. */
    ModelDeployment(String name, String model, int version, int replicas, String cpu, String memory, int rateLimit) {
        this(name, model, version, replicas, cpu, memory, null, 0, rateLimit, null);
    }

    /** A CPU deployment, autoscaled when {@code autoscaling} is set. */
    ModelDeployment(String name, String model, int version, int replicas, String cpu, String memory, int rateLimit,
                    ModelAutoscaling autoscaling) {
        this(name, model, version, replicas, cpu, memory, null, 0, rateLimit, autoscaling);
    }

    /** The same deployment serving another version of its model. */
    ModelDeployment withVersion(int newVersion) {
        return new ModelDeployment(name, model, newVersion, replicas, cpu, memory, gpuType, gpus, rateLimit,
                autoscaling);
    }

    ModelDeployment withReplicas(int newReplicas) {
        return new ModelDeployment(name, model, version, newReplicas, cpu, memory, gpuType, gpus, rateLimit,
                autoscaling);
    }

    /** The same deployment with other requests per replica (a rolling update). */
    ModelDeployment withSize(String newCpu, String newMemory) {
        return new ModelDeployment(name, model, version, replicas, newCpu, newMemory, gpuType, gpus, rateLimit,
                autoscaling);
    }

    ModelDeployment withRateLimit(int newRateLimit) {
        return new ModelDeployment(name, model, version, replicas, cpu, memory, gpuType, gpus, newRateLimit,
                autoscaling);
    }

    /** Every replica with {@code count} GPUs of {@code type} (0 and null: CPU serving), as validated. */
    ModelDeployment withGpus(String type, int count) {
        return new ModelDeployment(name, model, version, replicas, cpu, memory, count == 0 ? null : type, count,
                rateLimit, autoscaling);
    }

    /** A fixed replica count: autoscaling off. */
    ModelDeployment withFixedReplicas(int newReplicas) {
        return new ModelDeployment(name, model, version, newReplicas, cpu, memory, gpuType, gpus, rateLimit, null);
    }

    /** Autoscaling on (validated): it starts with its minimum. */
    ModelDeployment withAutoscaling(ModelAutoscaling policy) {
        return new ModelDeployment(name, model, version, policy.minReplicas(), cpu, memory, gpuType, gpus, rateLimit,
                policy);
    }

    boolean autoscaled() {
        return autoscaling != null;
    }

    /** Whether its replicas hold GPUs (else: CPU serving). */
    boolean holdsGpus() {
        return gpus > 0;
    }

    /** The most replicas it may run (the quota must hold them all). */
    int maxReplicas() {
        return autoscaling == null ? replicas : autoscaling.maxReplicas();
    }
}
