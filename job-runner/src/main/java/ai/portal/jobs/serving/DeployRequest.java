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
 * @param rateLimit requests per second one caller (an API key, a member's token) may send through the gateway
 *                 (default {@code portal.serving.rate-limit}, at most {@code portal.serving.max-rate-limit}); over it
 *                 the gateway answers 429 with {@code Retry-After}
 * @param autoscaling a HorizontalPodAutoscaler instead of a fixed replica count: bounds and targets (CPU, memory,
 *                 requests per second per replica, GPU utilisation)
 */
@Schema(name = "ModelDeploymentRequest")
public record DeployRequest(@Schema(example = "churn") String name,
                            @Schema(example = "churn-classifier") String model,
                            @Schema(example = "3") String version,
                            @Schema(example = "2") Integer replicas,
                            @Schema(example = "250m") String cpu,
                            @Schema(example = "768Mi") String memory,
                            @Schema(example = "20") Integer rateLimit,
                            ModelAutoscaling autoscaling) {
}
