package ai.portal.jobs.workload;

import java.time.Instant;
import java.util.UUID;

/**
 * One entry of a workload's history: a phase change (the status timeline) or a queue decision (admitted, waiting
 * and why, preempted, evicted, requeued).
 *
 * @param type     {@code phase}, {@code admitted}, {@code waiting}, {@code preempted}, {@code evicted}, {@code requeued}
 * @param phase    the phase entered, for {@code phase} entries
 * @param dedupKey identifies the observation, so that it is recorded once however often it is seen
 */
public record WorkloadEvent(UUID workloadId, Instant at, String type, String phase, String reason, String message,
                            String dedupKey) {
}
