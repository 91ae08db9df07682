package ai.portal.platform.me;

import java.util.List;
import java.util.Set;

import io.swagger.v3.oas.annotations.media.Schema;

/** Who the caller is, as this service sees them. */
@Schema(description = "The authenticated caller: identity from the token, teams from the service's own data")
public record Me(
        @Schema(description = "OIDC subject: the stable id of the user or service account") String subject,
        String username,
        String name,
        String email,
        @Schema(description = "Portal realm roles, e.g. platform-admin, data-scientist") Set<String> roles,
        List<TeamMembership> teams) {
}
