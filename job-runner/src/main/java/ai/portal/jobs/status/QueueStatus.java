package ai.portal.jobs.status;

import java.time.Instant;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * A waiting workload's place in the queue and when it is expected to start.
 *
 * @param positionInTeam      1-based place in the team's LocalQueue (Kueue's visibility API)
 * @param positionInClusterQueue 1-based place in the team's ClusterQueue (Kueue's visibility API)
 * @param estimatedStart      when it is expected to start, from the max runtimes of what runs and what is ahead,
 *                            scaled by how long such jobs really ran; null when no estimate can be made
 * @param latestStart         the start if everything ahead used its whole max runtime: an upper bound, when known
 */
@Schema(description = "Queue position (from Kueue) and the portal's estimate of the start")
public record QueueStatus(Integer positionInTeam, Integer positionInClusterQueue, Instant estimatedStart,
                          Instant latestStart,
                          @Schema(description = "high, medium, low or none") String confidence,
                          @Schema(description = "What the estimate rests on, in plain words") String basis) {
}
