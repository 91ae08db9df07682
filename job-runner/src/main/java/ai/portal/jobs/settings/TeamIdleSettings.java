package ai.portal.jobs.settings;

import java.time.Instant;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * One team's idle culling: what a platform admin set for it (empty when it follows the platform) and the limits that
 * hold for its notebooks.
 */
@Schema(description = "A team's idle-culling limits: its own, and the ones that hold")
public record TeamIdleSettings(
        String team,
        @Schema(description = "What a platform admin set for this team; null limits follow the platform")
        TeamIdleLimits own,
        @Schema(description = "The limits that hold for this team's notebooks")
        IdleLimits effective,
        @Schema(description = "When the team's own limits were last changed; null when it has none")
        Instant updatedAt,
        String updatedBy) {
}
