package ai.portal.jobs.serving;

import java.time.Instant;

import ai.portal.jobs.status.RightSizing;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * A model deployment as the API shows it: what the team asked for and what serves, in plain words.
 *
 * @param version         the model version asked for (what a rollout rolls out)
 * @param previousVersion the version asked for before the last rollout: what {@code POST …/rollback} returns to
 *                        (null: none)
 * @param rateLimit       requests per second one caller (an API key, a member's token) may send through the gateway
 * @param replicas        the fixed replica count; with autoscaling, its minimum
 * @param gpuType         the GPU type each replica runs on (null: CPU serving)
 * @param gpus            GPUs per replica (0: CPU serving)
 * @param autoscaling     the autoscaling policy (null: a fixed replica count)
 * @param autoscalingStatus what the cluster's HPA controller makes of it: replicas now and wanted, each metric's
 *                        reading against its target, the last scale, its conditions in words (null: no autoscaling)
 * @param invocationsPath where the model answers, behind the gateway's sign-in or an API key (relative to the job
 *                        runner's public URL): {@code POST} MLflow's scoring payloads ({@code dataframe_split},
 *                        {@code inputs}, ...)
 * @param rightSizing     one model server's requests against what the cluster's VPA recommender measured it to need
 *                        ({@code unavailable} without a recommender); apply it with {@code PATCH {cpu, memory}}
 */
@Schema(name = "ModelDeployment")
public record ModelDeploymentView(String team, String name, String model, int version, Integer previousVersion,
                                  int replicas, String cpu, String memory,
                                  @Schema(example = "NVIDIA-A100-SXM4-80GB", nullable = true) String gpuType,
                                  @Schema(example = "1") int gpus, int rateLimit,
                                  ModelAutoscaling autoscaling, ServingStatus status,
                                  AutoscalingStatus autoscalingStatus, String invocationsPath, Instant createdAt,
                                  String createdBy, Instant updatedAt, String updatedBy, RightSizing rightSizing) {
}
