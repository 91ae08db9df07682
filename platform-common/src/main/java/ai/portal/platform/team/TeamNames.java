package ai.portal.platform.team;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A team's slug and every name derived from it. The slug is the only team name a user types; the namespace, the
 * Keycloak groups and the Kubernetes objects are derived here and nowhere else.
 *
 * <ul>
 *   <li>namespace {@code team-<slug>}</li>
 *   <li>Keycloak group {@code /teams/team-<slug>} (owners and members) and {@code /teams/team-<slug>.viewers}</li>
 * </ul>
 */
public final class TeamNames {

    /** The API's slug rule: a DNS label of 3–32 characters that starts with a letter. */
    public static final String SLUG_REGEX = "[a-z][a-z0-9-]{1,30}[a-z0-9]";
    public static final Pattern SLUG = Pattern.compile(SLUG_REGEX);

    public static final String NAMESPACE_PREFIX = "team-";
    /** The Keycloak parent group every team group lives under. */
    public static final String GROUP_PARENT = "teams";
    public static final String VIEWERS_SUFFIX = ".viewers";

    private static final Pattern NAMESPACE = Pattern.compile(NAMESPACE_PREFIX + "(" + SLUG_REGEX + ")");
    /** {@code team-<slug>} or {@code team-<slug>.viewers}, optionally as a full path under {@code /teams/}. */
    private static final Pattern GROUP = Pattern.compile(
            "(/" + GROUP_PARENT + "/)?" + NAMESPACE_PREFIX + "(" + SLUG_REGEX + ")(" + Pattern.quote(VIEWERS_SUFFIX) + ")?");

    private TeamNames() {
    }

    public static boolean isSlug(String candidate) {
        return candidate != null && SLUG.matcher(candidate).matches();
    }

    /** The team's namespace: {@code team-<slug>}. */
    public static String namespace(String slug) {
        return NAMESPACE_PREFIX + slug;
    }

    /** The team a namespace belongs to, when it is named like a team namespace. */
    public static Optional<String> slugOfNamespace(String namespace) {
        Matcher name = NAMESPACE.matcher(namespace == null ? "" : namespace);
        return name.matches() ? Optional.of(name.group(1)) : Optional.empty();
    }

    /** The name of the Keycloak group of owners and members: {@code team-<slug>}. */
    public static String editorsGroup(String slug) {
        return NAMESPACE_PREFIX + slug;
    }

    /** The name of the Keycloak group of viewers: {@code team-<slug>.viewers}. Slugs have no dots, so never clashes. */
    public static String viewersGroup(String slug) {
        return editorsGroup(slug) + VIEWERS_SUFFIX;
    }

    /** A group's full path, as the token's {@code groups} claim carries it: {@code /teams/<name>}. */
    public static String groupPath(String groupName) {
        return "/" + GROUP_PARENT + "/" + groupName;
    }

    /**
     * The team and access a group stands for, read from its name or full path; empty for anything the portal would
     * never name so (a group {@code team-x} outside {@code /teams} is not team x's when {@code requirePath} is set).
     */
    public static Optional<TeamGroupName> parseGroup(String group, boolean requirePath) {
        Matcher name = GROUP.matcher(group == null ? "" : group);
        if (!name.matches() || (requirePath && name.group(1) == null)) {
            return Optional.empty();
        }
        return Optional.of(new TeamGroupName(name.group(2), name.group(3) != null));
    }

    /** A team group's meaning: whose it is and whether it only grants viewing. */
    public record TeamGroupName(String slug, boolean viewers) {
    }
}
