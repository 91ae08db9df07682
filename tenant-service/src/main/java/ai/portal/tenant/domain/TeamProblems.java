package ai.portal.tenant.domain;

import ai.portal.platform.problem.ApiException;
import org.springframework.http.HttpStatus;

/** The failures of the tenant API that a caller can act on, each with a message that says what to do. */
public final class TeamProblems {

    public static ApiException teamNotFound(String slug) {
        return new ApiException(HttpStatus.NOT_FOUND, "Team not found", "There is no team '" + slug + "'.");
    }

    public static ApiException teamExists(String slug) {
        return new ApiException(HttpStatus.CONFLICT, "Team already exists",
                "A team with slug '" + slug + "' already exists; choose another slug.").withField("slug");
    }

    public static ApiException notAllowed(String detail) {
        return new ApiException(HttpStatus.FORBIDDEN, "Access denied", detail);
    }

    public static ApiException userNotFound(String username, String field) {
        return new ApiException(HttpStatus.NOT_FOUND, "User not found",
                "No user '" + username + "' exists in the identity provider.").withField(field);
    }

    public static ApiException memberNotFound(String slug, String username) {
        return new ApiException(HttpStatus.NOT_FOUND, "Member not found",
                "'" + username + "' is not a member of team '" + slug + "'.").withField("username");
    }

    public static ApiException alreadyMember(String slug, String username) {
        return new ApiException(HttpStatus.CONFLICT, "Already a member",
                "'" + username + "' is already a member of team '" + slug + "'; change their role instead.")
                .withField("username");
    }

    public static ApiException lastOwner(String slug) {
        return new ApiException(HttpStatus.CONFLICT, "Team needs an owner",
                "Team '" + slug + "' must keep at least one owner: make someone else owner first.");
    }

    public static ApiException notActive(String slug, TeamState state) {
        return new ApiException(HttpStatus.CONFLICT, "Team is " + state.name().toLowerCase(),
                "Team '" + slug + "' is " + state.name().toLowerCase() + "; this change needs an active team.");
    }

    public static ApiException invalid(String field, String detail) {
        return new ApiException(HttpStatus.BAD_REQUEST, "Invalid " + field, detail).withField(field);
    }

    public static ApiException conflict(String title, String detail) {
        return new ApiException(HttpStatus.CONFLICT, title, detail);
    }

    private TeamProblems() {
    }
}
