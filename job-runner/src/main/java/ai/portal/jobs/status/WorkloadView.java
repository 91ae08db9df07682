package ai.portal.jobs.status;

import java.time.Instant;

import ai.portal.jobs.workload.Desired;
import ai.portal.jobs.workload.WorkloadKind;
import ai.portal.jobs.workload.WorkloadRecord;
import ai.portal.jobs.workload.WorkloadSpec;
import io.swagger.v3.oas.annotations.media.Schema;

/** A notebook or job as the API shows it: what was asked for, and its status now. */
@Schema(description = "A notebook or training job with its live status")
public record WorkloadView(
        @Schema(example = "vision") String team,
        @Schema(example = "train-resnet") String name,
        WorkloadKind kind,
        @Schema(description = "Username of who launched it") String owner,
        @Schema(description = "OIDC subject of who launched it") String ownerSubject,
        WorkloadSpec spec,
        @Schema(description = "What was last asked of it: running, stopped, cancelled, deleted") Desired desired,
        Instant createdAt,
        WorkloadStatus status,
        @Schema(description = "Where the notebook is served (notebooks only)", example = "/notebooks/vision/nb1/")
        String url) {

    public static WorkloadView of(WorkloadRecord workload, WorkloadStatus status) {
        return new WorkloadView(workload.team(), workload.name(), workload.kind(), workload.ownerUsername(),
                workload.ownerSubject(), workload.spec(), workload.desired(), workload.createdAt(), status,
                workload.notebook() ? ai.portal.jobs.workload.WorkloadNames.notebookBasePath(workload.team(),
                        workload.name()) : null);
    }
}
