package ai.portal.jobs.usage;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * Usage of one group (a team, a user or a GPU type) over the period asked for.
 *
 * @param key the team slug, the username, or the GPU type ("" for CPU-only work)
 * @param team the team, when grouped by team
 */
@Schema(description = "Usage of one team, user or GPU type over the period: resource-seconds of the Running intervals")
public record UsageRow(
        @Schema(example = "vision") String key,
        String team,
        @Schema(description = "GPUs × seconds running") double gpuSeconds,
        @Schema(description = "CPU cores requested × seconds running") double cpuSeconds,
        @Schema(description = "GiB of memory requested × seconds running") double memoryGibSeconds,
        @Schema(description = "Seconds of pods running (sum over pods)") double runSeconds,
        @Schema(description = "Workloads that ran in the period") long workloads) {
}
