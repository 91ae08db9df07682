package ai.portal.jobs.serving;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * A change to a model deployment; what is left out stays as it is.
 *
 * @param version   another version of the same registered model to roll out (a rolling update: every replica keeps
 *                  serving until its successor is Ready)
 * @param rateLimit requests per second one caller may send (1 to {@code portal.serving.max-rate-limit})
 * @param replicas  a fixed replica count (1 to {@code portal.serving.max-replicas}); turns autoscaling off
 * @param autoscaling autoscaling on, or its new bounds and targets (the whole policy: what is left out takes its
 *                  default); not together with {@code replicas}
 * @param cpu       a new CPU request per replica (e.g. the right-sizing recommendation): a rolling update
 * @param memory    a new memory request and limit per replica: a rolling update
 * @param gpuType   another GPU type for the replicas' GPUs (with {@code gpus}, or alone to move the GPUs they hold):
 *                  a rolling update
 * @param gpus      GPUs per replica (0: CPU serving; alone it keeps the GPU type): a rolling update within the
 *                  team's quota of that type
 */
@Schema(name = "ModelDeploymentUpdate")
public record DeploymentUpdate(@Schema(example = "4") String version, @Schema(example = "50") Integer rateLimit,
                               @Schema(example = "2") Integer replicas, ModelAutoscaling autoscaling,
                               @Schema(example = "250m") String cpu, @Schema(example = "512Mi") String memory,
                               @Schema(example = "NVIDIA-A100-SXM4-80GB") String gpuType,
                               @Schema(example = "1") Integer gpus) {
}
