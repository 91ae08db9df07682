package ai.portal.jobs.catalog;

import java.time.Instant;

import io.swagger.v3.oas.annotations.media.Schema;

/** An image of the admin-curated catalogue that notebooks and/or jobs may run. */
@Schema(description = "A container image of the catalogue")
public record Image(
        @Schema(example = "pytorch-cuda12", description = "The id launches name the image by") String id,
        @Schema(example = "quay.io/jupyter/pytorch-notebook:cuda12-2025-11-10") String reference,
        @Schema(example = "PyTorch (CUDA 12)") String displayName,
        String description,
        @Schema(description = "Usable for notebooks") boolean forNotebooks,
        @Schema(description = "Usable for training jobs") boolean forJobs,
        @Schema(description = "Built for NVIDIA GPUs (CUDA)") boolean cuda,
        @Schema(description = "Disabled images stay in the catalogue but cannot be launched") boolean enabled,
        Instant createdAt,
        Instant updatedAt) {

    public boolean usableFor(boolean notebook) {
        return enabled && (notebook ? forNotebooks : forJobs);
    }
}
