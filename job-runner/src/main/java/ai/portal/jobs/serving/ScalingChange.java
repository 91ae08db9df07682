package ai.portal.jobs.serving;

import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ai.portal.jobs.cluster.ClusterState;
import io.fabric8.kubernetes.api.model.Event;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * One rescale of an autoscaled deployment by the cluster's HPA controller, from its {@code SuccessfulRescale} event
 * ("New size: 3; reason: cpu resource utilization (percentage of request) above target"): when, to how many
 * replicas, which of the deployment's targets drove it and which way. Pure.
 *
 * @param metric    the target that drove it: {@code cpuUtilization}, {@code memoryUtilization},
 *                  {@code requestsPerSecond}, {@code gpuUtilization}; null when every metric was below target (a
 *                  scale-in) or the bounds forced it
 * @param direction {@code up} (a metric above its target), {@code down} (all below) or {@code bounds} (the policy's
 *                  minimum or maximum changed)
 * @param reason    the controller's own words
 */
@Schema(name = "ModelScalingChange")
public record ScalingChange(Instant at, int replicas, String metric, String direction, String reason) {

    private static final Pattern MESSAGE = Pattern.compile("New size: (\\d+); reason: (.*)", Pattern.DOTALL);

    /** The change an HPA event records, if it is a rescale. */
    static Optional<ScalingChange> of(Event event) {
        if (!ClusterState.RESCALE_REASON.equals(event.getReason()) || event.getMessage() == null) {
            return Optional.empty();
        }
        Matcher message = MESSAGE.matcher(event.getMessage().strip());
        if (!message.matches()) {
            return Optional.empty();
        }
        return Optional.of(of(Instant.parse(ClusterState.eventTime(event)), Integer.parseInt(message.group(1)),
                message.group(2).strip()));
    }

    /** A change as recorded: the metric and direction read back from the controller's reason. */
    static ScalingChange of(Instant at, int replicas, String reason) {
        String words = reason.toLowerCase(Locale.ROOT);
        String direction = words.startsWith("current number of replicas") ? "bounds"
                : words.contains("above target") ? "up" : "down";
        String metric = words.contains("cpu resource") ? AutoscalingStatus.CPU
                : words.contains("memory resource") ? AutoscalingStatus.MEMORY
                : words.contains(ServingResources.REQUESTS_METRIC) ? AutoscalingStatus.REQUESTS
                : words.contains(ServingResources.GPU_METRIC) ? AutoscalingStatus.GPU
                : null;
        return new ScalingChange(at, replicas, "up".equals(direction) ? metric : null, direction, reason);
    }
}
