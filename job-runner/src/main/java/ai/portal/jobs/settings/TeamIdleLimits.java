package ai.portal.jobs.settings;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/**
 * A platform admin's idle limits for one team, in place of the platform's. A limit left out (null) follows the
 * platform's value.
 */
@Schema(description = "A team's own idle-culling limits; a limit left out follows the platform's")
public record TeamIdleLimits(
        @Schema(description = "A notebook without GPUs is stopped after being idle this long (seconds)",
                example = "43200")
        @Min(60) @Max(30 * 24 * 3600) Long notebookIdleLimitSeconds,
        @Schema(description = "A notebook with GPUs is stopped after being idle this long (seconds)",
                example = "7200")
        @Min(60) @Max(30 * 24 * 3600) Long gpuNotebookIdleLimitSeconds,
        @Schema(description = "The furthest a member may extend a notebook's idle deadline, from now (seconds)",
                example = "172800")
        @Min(0) @Max(30 * 24 * 3600) Long maxIdleExtensionSeconds) {

    boolean empty() {
        return notebookIdleLimitSeconds == null && gpuNotebookIdleLimitSeconds == null
                && maxIdleExtensionSeconds == null;
    }
}
