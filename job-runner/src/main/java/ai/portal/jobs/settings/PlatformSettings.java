package ai.portal.jobs.settings;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotNull;

/** Platform-wide settings of the job runner that admins change at run time. */
@Schema(description = "Platform settings of the job runner")
public record PlatformSettings(
        @Schema(description = "Whether members may launch an image that is not in the catalogue")
        @NotNull Boolean allowCustomImages) {

    public static final PlatformSettings DEFAULTS = new PlatformSettings(false);
}
