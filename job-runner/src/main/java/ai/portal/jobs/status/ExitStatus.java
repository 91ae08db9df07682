package ai.portal.jobs.status;

import io.swagger.v3.oas.annotations.media.Schema;

/** How a workload's container last ended. */
@Schema(description = "The last container exit")
public record ExitStatus(@Schema(example = "1") Integer code, @Schema(example = "Error") String reason,
                         String message) {
}
