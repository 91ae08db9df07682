package ai.portal.jobs.serving;

import java.time.Instant;
import java.util.List;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * An autoscaled deployment's replicas over time: how many it had when the window starts, and every rescale by the
 * cluster's HPA controller since, each with the target that drove it. A chart draws the step line from these.
 *
 * @param since           start of the window: the last 24 hours, or since the deployment was created
 * @param until           end of the window (now)
 * @param replicasAtStart replicas in effect at {@code since}
 * @param currentReplicas replicas the controller counts now (null: no autoscaling, or not read yet)
 * @param changes         the rescales in the window, oldest first
 */
@Schema(name = "ModelScalingHistory")
public record ScalingHistoryView(Instant since, Instant until, int replicasAtStart, Integer currentReplicas,
                                 List<ScalingChange> changes) {
}
