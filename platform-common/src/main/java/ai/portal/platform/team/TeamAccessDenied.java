package ai.portal.platform.team;

import ai.portal.platform.problem.ApiException;
import org.springframework.http.HttpStatus;

/**
 * A caller may not act on a team. Someone outside the team gets the same answer whether or not the team exists
 * (404, "not found or not allowed"), so team names cannot be probed; a member lacking a permission gets 403.
 */
public class TeamAccessDenied extends ApiException {

    private TeamAccessDenied(HttpStatus status, String title, String detail) {
        super(status, title, detail);
    }

    /** Not a member, or no such team: indistinguishable on purpose. */
    public static TeamAccessDenied notFoundOrNotAllowed(String slug) {
        return new TeamAccessDenied(HttpStatus.NOT_FOUND, "Team not found or not allowed",
                "There is no team '" + abbreviate(slug) + "' that you are a member of.");
    }

    /** A member whose role does not allow the action. */
    public static TeamAccessDenied forbidden(String slug, TeamPermission need) {
        return new TeamAccessDenied(HttpStatus.FORBIDDEN, "Not allowed in this team", switch (need) {
            case VIEW -> "You are not a member of team '" + slug + "'.";
            case EDIT -> "Viewers of team '" + slug + "' cannot change it; ask an owner for the member role.";
            case MANAGE -> "Only owners of team '" + slug + "' and platform admins can do this.";
            case ADMIN -> "Only platform admins can do this.";
        });
    }

    static String abbreviate(String text) {
        if (text == null) {
            return "";
        }
        String printable = text.codePoints().filter(c -> !Character.isISOControl(c))
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return printable.length() > 40 ? printable.substring(0, 40) + "…" : printable;
    }
}
