package ai.portal.tenant.quota;

import java.util.List;
import java.util.Map;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;

/** Payloads of the quota, usage and GPU type APIs. */
public final class QuotaApi {

    @Schema(description = "A team's hard limits; quantities in Kubernetes notation")
    public record QuotaSpec(
            @Schema(example = "32") @NotBlank @Size(max = 32) String cpu,
            @Schema(example = "256Gi") @NotBlank @Size(max = 32) String memory,
            @Schema(example = "1Ti") @NotBlank @Size(max = 32) String storage,
            @Schema(example = "20") @NotNull Integer pvcs,
            @Schema(example = "4") @NotNull Integer maxNotebooks,
            @Schema(example = "{\"NVIDIA-A100-SXM4-80GB\": 4}", description = "GPUs per GPU type") Map<String, Integer> gpus) {
    }

    public record ResourceUsage(@Schema(example = "requests.cpu") String resource,
                                @Schema(example = "2") String used,
                                @Schema(example = "32") String hard) {
    }

    public record GpuUsage(@Schema(example = "NVIDIA-A100-SXM4-80GB") String gpuType, int used, int hard) {
    }

    public record QuotaUsage(List<ResourceUsage> resources, List<GpuUsage> gpus) {
    }

    public record GpuType(
            @Schema(example = "NVIDIA-A100-SXM4-80GB", description = "The nvidia.com/gpu.product node label value")
            @NotBlank @Size(max = 63) @Pattern(regexp = "^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$",
                    message = "must be a Kubernetes label value (letters, digits, '.', '_', '-')") String name,
            @Schema(example = "NVIDIA A100 80GB") @NotBlank @Size(max = 100) String displayName,
            @Schema(example = "80") @Positive @Max(100_000) Integer memoryGib,
            @Schema(description = "GPUs of this type on the cluster's nodes now", accessMode = Schema.AccessMode.READ_ONLY)
            Integer capacity) {
    }

    private QuotaApi() {
    }
}
