package ai.portal.jobs.launch;

import java.util.List;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * What a team can launch now, for the launch dialog: per GPU type its quota, what it uses, what it could borrow,
 * what the cluster has free, and the most GPUs a notebook could start with right now; the same for CPU and memory;
 * notebooks running against the team's limit; the namespace's ResourceQuota, the hard backstop; and the scheduler
 * profiles a workload may be placed by.
 */
@Schema(description = "A team's remaining quota and the cluster's free capacity, for launching")
public record TeamCapacity(
        String team,
        boolean archived,
        @Schema(description = "Whether the team's Kueue queue exists and is active") boolean queueReady,
        @Schema(description = "Why the queue is not ready, when it is not") String queueProblem,
        Notebooks notebooks,
        List<GpuCapacity> gpus,
        List<ResourceCapacity> resources,
        List<NamespaceQuota> namespaceQuota,
        Scheduling scheduling) {

    public record Notebooks(int running, Integer max) {
    }

    @Schema(description = "One GPU type for this team")
    public record GpuCapacity(
            @Schema(example = "NVIDIA-H100-80GB-HBM3") String gpuType,
            @Schema(example = "H100") String shortName,
            @Schema(description = "The team's nominal quota") int quota,
            @Schema(description = "GPUs the team's admitted workloads hold") int used,
            @Schema(description = "Idle GPUs of other teams in the cohort that could be borrowed now") int borrowable,
            @Schema(description = "Free GPUs of this type on the cluster") int clusterFree,
            int largestFreeOnNode,
            int largestNode,
            @Schema(description = "The most GPUs a notebook of this type could start with now (0: none)")
            int maxStartableNow,
            @Schema(description = "Why not more, in plain words (empty when nothing limits below the node size)")
            String limitedBy) {
    }

    @Schema(description = "CPU or memory for this team (memory in bytes)")
    public record ResourceCapacity(@Schema(example = "cpu") String resource, String quota, String used,
                                   String borrowable) {
    }

    @Schema(description = "The scheduler profiles a workload may name as schedulerName, and the one it gets when it "
            + "names none (portal.jobs.scheduling.*)")
    public record Scheduling(@Schema(example = "default-scheduler") String defaultScheduler,
                             @Schema(example = "[\"default-scheduler\", \"gpu-fit\"]") List<String> allowed) {
    }

    @Schema(description = "One resource of the namespace's ResourceQuota")
    public record NamespaceQuota(@Schema(example = "requests.cpu") String resource, String used, String hard) {
    }
}
