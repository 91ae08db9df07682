package ai.portal.jobs.serving;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * What a team member asks for when deploying a registered model version.
 *
 * @param name     the deployment's name, a DNS label of at most {@value ServingValidator#MAX_NAME} characters; the
 *                 inference path is {@code /models/<team>/<name>/invocations}
 * @param model    the registered model's name in the team's MLflow registry
 * @param version  the model version (a number, as MLflow numbers them)
 * @param replicas how many model servers (1 to {@code portal.serving.max-replicas}, default 1); leave it out
 *                 with {@code autoscaling}
 * @param cpu      CPU request per replica (Kubernetes quantity; default {@code portal.serving.cpu})
 * @param memory   memory request and limit per replica (default {@code portal.serving.memory})
 * @param gpuType  the GPU type each replica runs on, by the name the platform's GPU catalogue uses
 *                 ({@code GET /api/v1/gpu-types}, the nodes' {@code nvidia.com/gpu.product}); only with {@code gpus}
 * @param gpus     GPUs per replica (0 to {@code portal.serving.max-gpus}, default 0: CPU serving); every replica's
 *                 GPUs, up to {@code maxReplicas} with autoscaling, must fit in the team's quota of that type
 * @param rateLimit requests per second one caller (an API key, a member's token) may send through the gateway
 *                 (default {@code portal.serving.rate-limit}, at most {@code portal.serving.max-rate-limit}); over it
 *                 the gateway answers 429 with {@code Retry-After}
 * @param autoscaling a HorizontalPodAutoscaler instead of a fixed replica count: bounds and targets (CPU, memory,
 *                 requests per second per replica, GPU utilisation with GPUs)
 */
@Schema(name = "ModelDeploymentRequest")
public record DeployRequest(@Schema(example = "churn") String name,
                            @Schema(example = "churn-classifier") String model,
                            @Schema(example = "3") String version,
                            @Schema(example = "2") Integer replicas,
                            @Schema(example = "250m") String cpu,
                            @Schema(example = "768Mi") String memory,
                            @Schema(example = "NVIDIA-A100-SXM4-80GB", description = "The GPU type each replica runs "
                                    + "on, by the GPU catalogue's name (GET /api/v1/gpu-types); required with gpus > 0, "
                                    + "not allowed without") String gpuType,
                            @Schema(example = "1", minimum = "0", description = "GPUs per replica (default 0: CPU "
                                    + "serving, at most portal.serving.max-gpus). Every replica's GPUs (maxReplicas "
                                    + "with autoscaling) must fit in the team's quota of that GPU type (409/422 "
                                    + "otherwise)") Integer gpus,
                            @Schema(example = "20") Integer rateLimit,
                            ModelAutoscaling autoscaling) {

    /** A CPU deployment (no GPUs). */
    public DeployRequest(String name, String model, String version, Integer replicas, String cpu, String memory,
                         Integer rateLimit, ModelAutoscaling autoscaling) {
        this(name, model, version, replicas, cpu, memory, null, null, rateLimit, autoscaling);
    }
}
