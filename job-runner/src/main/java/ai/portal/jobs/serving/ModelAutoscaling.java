package ai.portal.jobs.serving;

import java.math.BigDecimal;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * A deployment's autoscaling: the HorizontalPodAutoscaler the portal writes beside its Deployment, which the
 * cluster's HPA controller acts on (the portal never scales replicas itself). At least one target; where several
 * are set the controller takes the largest replica count any of them asks for.
 *
 * @param minReplicas                   the fewest replicas (1 or more; the deployment starts with this many)
 * @param maxReplicas                   the most replicas (at most {@code portal.serving.max-autoscaled-replicas},
 *                                      and all of them must fit in the team's quota)
 * @param cpuUtilization                average CPU use of the replicas, in % of their CPU request (a Resource
 *                                      metric, from {@code metrics.k8s.io})
 * @param memoryUtilization             average memory use, in % of the memory request (Resource metric)
 * @param requestsPerSecond             requests per second per replica through the gateway: an Object metric on
 *                                      the deployment's Service ({@code portal_model_requests_per_second}, the
 *                                      gateway's count for the whole deployment) with an {@code AverageValue}
 *                                      target, which the controller divides by the replica count
 * @param gpuUtilization                average GPU utilisation of the replicas' GPUs in % (a Pods metric,
 *                                      {@code gpu_utilization_percent} from DCGM; {@code type: Resource} with
 *                                      {@code nvidia.com/gpu} is not valid: Resource metrics are CPU and memory
 *                                      only). Only for deployments with GPUs ({@code gpus > 0})
 * @param scaleDownStabilizationSeconds how long the load must have asked for fewer replicas before any go (the
 *                                      HPA's {@code behavior.scaleDown.stabilizationWindowSeconds}; default
 *                                      {@code portal.serving.scale-down-stabilization}, 300 s)
 */
@Schema(name = "ModelAutoscaling")
public record ModelAutoscaling(
        @Schema(example = "1", description = "The fewest replicas (default 1); the deployment starts with this many")
        Integer minReplicas,
        @Schema(example = "4", description = "The most replicas: at most portal.serving.max-autoscaled-replicas "
                + "(10), and all of them within the team's quota (422 otherwise)")
        Integer maxReplicas,
        @Schema(example = "70", description = "Average CPU use in % of each replica's CPU request (a Resource "
                + "metric, metrics.k8s.io)")
        Integer cpuUtilization,
        @Schema(example = "80", description = "Average memory use in % of each replica's memory request (Resource)")
        Integer memoryUtilization,
        @Schema(example = "10", description = "Requests per second per replica through the gateway: an Object "
                + "metric (portal_model_requests_per_second) on the deployment's Service with an AverageValue "
                + "target, which the HPA controller divides by the replica count")
        BigDecimal requestsPerSecond,
        @Schema(example = "60", description = "Average GPU utilisation in % (a Pods metric, gpu_utilization_percent "
                + "from DCGM). Not a Resource metric: type Resource with nvidia.com/gpu is not valid Kubernetes, "
                + "Resource metrics are CPU and memory only. Only for deployments with GPUs (gpus > 0; refused with "
                + "400 otherwise)")
        Integer gpuUtilization,
        @Schema(example = "300", description = "Seconds the load must ask for fewer replicas before any go (the "
                + "HPA's behavior.scaleDown.stabilizationWindowSeconds; default portal.serving"
                + ".scale-down-stabilization, 300)")
        Integer scaleDownStabilizationSeconds) {
}
