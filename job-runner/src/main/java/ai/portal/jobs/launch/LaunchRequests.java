package ai.portal.jobs.launch;

import java.util.List;
import java.util.Map;

import ai.portal.jobs.workload.EnvVar;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotBlank;

/** What a member sends to launch a notebook or submit a job; {@link LaunchValidator} checks every field. */
public final class LaunchRequests {

    static final String SCHEDULER = "The scheduler profile that places the pods (portal.jobs.scheduling.allowed, e.g. "
            + "default-scheduler: packs GPUs; gpu-fit: fragmentation- and NVLink-aware, skips unhealthy GPUs); "
            + "default portal.jobs.scheduling.default-scheduler";

    private LaunchRequests() {
    }

    @Schema(description = "A notebook's new CPU and memory request (e.g. its right-sizing recommendation)")
    public record Resize(
            @Schema(example = "500m", description = "CPU cores (Kubernetes quantity)") @NotBlank String cpu,
            @Schema(example = "3Gi", description = "Memory (Kubernetes quantity)") @NotBlank String memory) {
    }

    @Schema(description = "A notebook to launch")
    public record LaunchNotebook(
            @Schema(example = "exploration", description = "DNS label, at most 40 characters; unique in the team")
            @NotBlank String name,
            @Schema(example = "pytorch-cuda12", description = "A catalogue image id or reference")
            @NotBlank String image,
            @Schema(example = "2", description = "CPU cores (Kubernetes quantity); default 1") String cpu,
            @Schema(example = "8Gi", description = "Memory (Kubernetes quantity); default 4Gi") String memory,
            @Schema(example = "NVIDIA-A100-SXM4-80GB", description = "GPU product; required when gpus > 0")
            String gpuType,
            @Schema(example = "1", description = "0-8; default 0") Integer gpus,
            @Schema(example = "20Gi", description = "Workspace volume size; default 10Gi") String workspaceSize,
            @Schema(example = "gpu-fit", description = SCHEDULER) String schedulerName) {

        public LaunchNotebook(String name, String image, String cpu, String memory, String gpuType, Integer gpus,
                              String workspaceSize) {
            this(name, image, cpu, memory, gpuType, gpus, workspaceSize, null);
        }
    }

    @Schema(description = "A training job to submit")
    public record SubmitJob(
            @Schema(example = "train-resnet") @NotBlank String name,
            @Schema(example = "pytorch-cuda12") @NotBlank String image,
            @Schema(example = "[\"python\", \"train.py\"]", description = "Replaces the image's entrypoint; no shell")
            List<String> command,
            @Schema(example = "[\"--epochs\", \"10\"]") List<String> args,
            @Schema(description = "Environment variables, in order") List<EnvVar> env,
            String gpuType,
            Integer gpus,
            String cpu,
            String memory,
            @Schema(example = "7200", description = "Max runtime in seconds (activeDeadlineSeconds); default 24 h")
            Long maxRuntimeSeconds,
            @Schema(example = "2", description = "How often a failed pod is retried (backoffLimit); default 0")
            Integer retries,
            @Schema(example = "normal", description = "low, normal or high, within the team") String priority,
            @Schema(description = "Extra pod annotations (not the portal's, Kubernetes' or Kueue's own keys)")
            Map<String, String> annotations,
            @Schema(example = "gpu-fit", description = SCHEDULER) String schedulerName) {

        public SubmitJob(String name, String image, List<String> command, List<String> args, List<EnvVar> env,
                         String gpuType, Integer gpus, String cpu, String memory, Long maxRuntimeSeconds, Integer retries,
                         String priority, Map<String, String> annotations) {
            this(name, image, command, args, env, gpuType, gpus, cpu, memory, maxRuntimeSeconds, retries, priority,
                    annotations, null);
        }
    }

    @Schema(description = "How a notebook is deleted")
    public record DeleteOptions(@Schema(description = "Delete its workspace volume too") boolean deleteWorkspace) {
    }
}
