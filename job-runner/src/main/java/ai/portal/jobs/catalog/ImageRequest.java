package ai.portal.jobs.catalog;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** What an admin sends to add or change a catalogue image. */
@Schema(description = "A catalogue image as an admin sets it")
public record ImageRequest(
        @Schema(example = "pytorch-cuda12") @NotBlank @Size(max = 40)
        @Pattern(regexp = "[a-z0-9]([a-z0-9-]*[a-z0-9])?", message = "must be lower-case letters, digits and '-'")
        String id,
        @Schema(example = "quay.io/jupyter/pytorch-notebook:cuda12-2025-11-10") @NotBlank @Size(max = 500)
        @Pattern(regexp = ImageReferences.REGEX, message = "must be an image reference: registry/repository:tag or @sha256:digest")
        String reference,
        @Schema(example = "PyTorch (CUDA 12)") @NotBlank @Size(max = 100) String displayName,
        @Size(max = 1000) String description,
        @NotNull Boolean forNotebooks,
        @NotNull Boolean forJobs,
        @NotNull Boolean cuda,
        Boolean enabled) {

    @AssertTrue(message = "an image must be usable for notebooks, jobs or both")
    @Schema(hidden = true)
    public boolean isUsable() {
        return forNotebooks == null || forJobs == null || forNotebooks || forJobs;
    }
}
