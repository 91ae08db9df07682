package ai.portal.tenant.accessrequest;

import java.time.Instant;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** What the access request API takes and answers. */
final class AccessRequestApi {

    static final String SLUG = "^[a-z][a-z0-9-]{1,30}[a-z0-9]$";

    private AccessRequestApi() {
    }

    @Schema(description = "A request for access to the portal, optionally to a team")
    record NewAccessRequest(
            @Schema(example = "I join the vision team as an intern and need to train detection models")
            @NotBlank @Size(max = 2000) String reason,
            @Schema(example = "vision", description = "The team to join (optional); checked when an admin decides")
            @Pattern(regexp = SLUG, message = "must be a team's short name") String team) {
    }

    @Schema(description = "An admin's grant: the data-scientist role and/or a membership")
    record Approval(
            @Schema(description = "Give the data-scientist realm role (default true)") Boolean grantRole,
            @Schema(example = "vision", description = "Add to this team (default: the team asked for, if any)")
            @Pattern(regexp = SLUG, message = "must be a team's short name") String team,
            @Schema(example = "member", allowableValues = {"owner", "member", "viewer"},
                    description = "The role in the team (default member)")
            @Pattern(regexp = "owner|member|viewer", message = "must be owner, member or viewer") String teamRole,
            @Schema(description = "A note for the requester") @Size(max = 2000) String reason) {
    }

    @Schema(description = "Why a request is refused (required: the requester reads it)")
    record Rejection(@NotBlank @Size(max = 2000) String reason) {
    }

    @Schema(description = "A request for access and what was decided")
    record AccessRequest(
            long id,
            @Schema(description = "The requester's username") String username,
            @Schema(description = "The requester's name, as their token said it") String name,
            String email,
            String reason,
            @Schema(description = "The team asked for, if any") String team,
            @Schema(allowableValues = {"pending", "approved", "rejected", "withdrawn"}) String status,
            String decidedBy,
            String decisionReason,
            @Schema(description = "The realm role granted, when approved with it") String grantedRole,
            @Schema(description = "The team the requester was added to, when approved with one") String grantedTeam,
            String grantedTeamRole,
            Instant createdAt,
            Instant decidedAt) {
    }
}
