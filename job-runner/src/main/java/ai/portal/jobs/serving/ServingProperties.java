package ai.portal.jobs.serving;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How model servers run and what a deployment may ask for ({@code portal.serving.*}).
 *
 * @param image       the image that runs {@code mlflow models serve}: MLflow with the flavours the team's models need
 *                    (the local cluster's process runtime runs it from the MLflow virtualenv)
 * @param maxReplicas the most replicas one deployment may ask for
 * @param cpu         default CPU request per replica
 * @param memory      default memory request and limit per replica (a scikit-learn model server: ~0.4 GiB)
 * @param maxCpu      the most CPU one replica may request
 * @param maxMemory   the most memory one replica may request
 * @param minMemory   the least memory one replica may request (below it the server does not start)
 * @param maxGpus     the most GPUs one replica may request (GPU nodes have 8 at most)
 * @param rateLimit   default requests per second one caller (an API key, a member) may send one deployment through
 *                    the gateway (per job-runner replica: buckets are in memory)
 * @param maxRateLimit the most a deployment may allow
 * @param maxAutoscaledReplicas the most replicas an autoscaled deployment may grow to
 * @param scaleDownStabilization how long, by default, the load must have asked for fewer replicas before the HPA
 *                    controller removes any (Kubernetes' own default)
 */
@ConfigurationProperties("portal.serving")
public record ServingProperties(@DefaultValue("ghcr.io/mlflow/mlflow:v3.17.2") String image,
                                @DefaultValue("5") int maxReplicas,
                                @DefaultValue("250m") String cpu,
                                @DefaultValue("768Mi") String memory,
                                @DefaultValue("8") String maxCpu,
                                @DefaultValue("32Gi") String maxMemory,
                                @DefaultValue("256Mi") String minMemory,
                                @DefaultValue("8") int maxGpus,
                                @DefaultValue("20") int rateLimit,
                                @DefaultValue("1000") int maxRateLimit,
                                @DefaultValue("10") int maxAutoscaledReplicas,
                                @DefaultValue("5m") java.time.Duration scaleDownStabilization) {
}
