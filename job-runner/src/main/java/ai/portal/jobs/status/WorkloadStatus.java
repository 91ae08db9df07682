package ai.portal.jobs.status;

import java.time.Instant;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * A workload's status as the portal shows it, derived from the informers (and from its recorded history once its
 * objects are gone).
 *
 * @param stage    for a pending workload, which part of waiting it is in; null otherwise
 * @param queue    for a queued workload, its position and estimated start; null otherwise
 * @param exit     the last container exit, when there was one
 * @param attempts how many pods a job has run (retries + 1 when all failed)
 * @param idle     for a notebook: the idle culler's warning, a user's extension, or its idle stop; null otherwise
 */
@Schema(description = "Status derived from the cluster: phase, plain reason, queue position and ETA, exit")
public record WorkloadStatus(Phase phase, Phase.Stage stage, Reason reason, QueueStatus queue, ExitStatus exit,
                             int attempts, String node, String podIp, Instant admittedAt, Instant startedAt,
                             Instant finishedAt, IdleNotice idle) {

    public WorkloadStatus(Phase phase, Phase.Stage stage, Reason reason, QueueStatus queue, ExitStatus exit,
                          int attempts, String node, String podIp, Instant admittedAt, Instant startedAt,
                          Instant finishedAt) {
        this(phase, stage, reason, queue, exit, attempts, node, podIp, admittedAt, startedAt, finishedAt, null);
    }

    WorkloadStatus withIdle(IdleNotice notice) {
        return new WorkloadStatus(phase, stage, reason, queue, exit, attempts, node, podIp, admittedAt, startedAt,
                finishedAt, notice);
    }

    WorkloadStatus withReason(Reason changed) {
        return new WorkloadStatus(phase, stage, changed, queue, exit, attempts, node, podIp, admittedAt, startedAt,
                finishedAt, idle);
    }
}
