package ai.portal.tenant.team;

import java.time.Instant;

import ai.portal.platform.team.TeamNames;
import ai.portal.tenant.sync.TeamStatus;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** Payloads of the teams API. */
public final class TeamApi {

    public record CreateTeam(
            @Schema(example = "vision", description = "3-32 lowercase letters, digits, dashes; the namespace is team-<slug>")
            @NotBlank @Pattern(regexp = TeamNames.SLUG_REGEX, message = "must be 3-32 lowercase letters, digits or dashes, starting with a letter and not ending with a dash")
            String slug,
            @Schema(example = "Computer Vision") @NotBlank @Size(max = 100) String displayName,
            @Size(max = 1000) String description,
            @Schema(description = "Keycloak username of the first owner", example = "carol") @NotBlank @Size(max = 255)
            String owner) {
    }

    public record UpdateTeam(@NotBlank @Size(max = 100) String displayName, @Size(max = 1000) String description) {
    }

    public record Team(
            String slug,
            String displayName,
            String description,
            @Schema(allowableValues = {"active", "archived", "deleting"}) String state,
            String namespace,
            TeamStatus status,
            Instant createdAt,
            @Schema(description = "The caller's role; null for a platform admin who is not a member") String myRole) {
    }

    private TeamApi() {
    }
}
