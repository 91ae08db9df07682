package ai.portal.platform.me;

import io.swagger.v3.oas.annotations.media.Schema;

/** One team the caller belongs to. */
public record TeamMembership(
        @Schema(description = "Team slug; its namespace is team-<slug>", example = "vision") String slug,
        @Schema(example = "Computer Vision") String displayName,
        @Schema(description = "owner, member or viewer", example = "member") String role) {
}
