package ai.portal.jobs.settings;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/**
 * Platform-wide settings of the job runner that admins change at run time. In a change, an idle setting left out
 * (null) keeps its current value.
 */
@Schema(description = "Platform settings of the job runner")
public record PlatformSettings(
        @Schema(description = "Whether members may launch an image that is not in the catalogue")
        @NotNull Boolean allowCustomImages,
        @Schema(description = "A notebook without GPUs is stopped after being idle this long (seconds)",
                example = "28800")
        @Min(60) @Max(30 * 24 * 3600) Long notebookIdleLimitSeconds,
        @Schema(description = "A notebook with GPUs is stopped after being idle this long (seconds); idle includes "
                + "GPU utilisation under the threshold where GPU metrics exist", example = "3600")
        @Min(60) @Max(30 * 24 * 3600) Long gpuNotebookIdleLimitSeconds,
        @Schema(description = "How long before the idle stop the warning comes (seconds)", example = "600")
        @Min(0) @Max(24 * 3600) Long idleWarningSeconds,
        @Schema(description = "The furthest a user may extend their notebook's idle deadline, from now (seconds)",
                example = "86400")
        @Min(0) @Max(30 * 24 * 3600) Long maxIdleExtensionSeconds) {

    public PlatformSettings(Boolean allowCustomImages) {
        this(allowCustomImages, null, null, null, null);
    }

    /** This, with what it leaves out taken from {@code current}. */
    PlatformSettings orElse(PlatformSettings current) {
        return new PlatformSettings(allowCustomImages == null ? current.allowCustomImages() : allowCustomImages,
                notebookIdleLimitSeconds == null ? current.notebookIdleLimitSeconds() : notebookIdleLimitSeconds,
                gpuNotebookIdleLimitSeconds == null ? current.gpuNotebookIdleLimitSeconds()
                        : gpuNotebookIdleLimitSeconds,
                idleWarningSeconds == null ? current.idleWarningSeconds() : idleWarningSeconds,
                maxIdleExtensionSeconds == null ? current.maxIdleExtensionSeconds() : maxIdleExtensionSeconds);
    }
}
