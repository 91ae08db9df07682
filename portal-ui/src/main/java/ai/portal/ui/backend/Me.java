package ai.portal.ui.backend;

import java.util.List;
import java.util.Set;

/** {@code GET /api/v1/me} of tenant-service: the user and the teams tenant-service has them in. */
public record Me(String subject, String username, String name, String email, Set<String> roles, List<Team> teams) {

    public record Team(String slug, String displayName, String role) {
    }
}
