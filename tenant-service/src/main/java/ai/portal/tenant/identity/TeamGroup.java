package ai.portal.tenant.identity;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import ai.portal.platform.team.PortalLabels;
import ai.portal.platform.team.TeamNames;
import ai.portal.tenant.domain.Member;
import ai.portal.tenant.domain.TeamSnapshot;

/**
 * One of a team's two Keycloak groups as the team says it must be: a pure function of the snapshot, so it is
 * tested without Keycloak. Owners and members are in {@code team-<slug>} (they edit the namespace); viewers are in
 * {@code team-<slug>.viewers}. The group mapper puts these names, not paths, in the {@code groups} claim, and
 * Kubernetes binds them as {@code oidc:<name>}.
 *
 * @param name        the group's name under the parent group
 * @param description shown in Keycloak's admin console
 * @param attributes  the attributes this service owns on the group (other attributes are left alone)
 * @param subjects    Keycloak user ids that must be members, and no others
 */
public record TeamGroup(String name, String description, Map<String, List<String>> attributes,
                        Set<String> subjects) {

    /** The attributes this service sets on a team group (group attributes are free-form; these mirror the labels). */
    public static final String TEAM_ATTRIBUTE = PortalLabels.TEAM;
    public static final String MANAGED_BY_ATTRIBUTE = "portal.ai/managed-by";
    public static final String MANAGER = "tenant-service";
    public static final String DISPLAY_NAME_ATTRIBUTE = PortalLabels.DISPLAY_NAME;
    public static final String ACCESS_ATTRIBUTE = "portal.ai/access";
    /** The installation that made the group: another installation's group is never adopted nor deleted. */
    public static final String INSTANCE_ATTRIBUTE = PortalLabels.INSTANCE;

    public TeamGroup {
        attributes = Map.copyOf(attributes);
        subjects = Set.copyOf(subjects);
    }

    /** The team a group belongs to, read from its name; empty for a name this service would never give. */
    public static Optional<String> slugOf(String groupName) {
        return TeamNames.parseGroup(groupName, false).map(TeamNames.TeamGroupName::slug);
    }

    /** Both group names of a team, editors first. */
    public static List<String> namesOf(String slug) {
        return List.of(TeamNames.editorsGroup(slug), TeamNames.viewersGroup(slug));
    }

    /** The installation a group's attributes name, empty when none (a group made by hand, or by an older version). */
    public static Optional<String> installationOf(Map<String, List<String>> attributes) {
        List<String> values = attributes == null ? null : attributes.get(INSTANCE_ATTRIBUTE);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }

    /** The team's two groups in installation {@code instance}, editors first. */
    public static List<TeamGroup> desired(TeamSnapshot team, String instance) {
        Set<String> editors = new LinkedHashSet<>();
        Set<String> viewers = new LinkedHashSet<>();
        for (Member member : team.members()) {
            (member.role().canEdit() ? editors : viewers).add(member.subject());
        }
        // someone listed twice keeps the stronger access only
        viewers.removeAll(editors);
        return List.of(
                new TeamGroup(TeamNames.editorsGroup(team.slug()), team.displayName() + ": owners and members",
                        attributes(team, instance, "edit"), editors),
                new TeamGroup(TeamNames.viewersGroup(team.slug()), team.displayName() + ": viewers",
                        attributes(team, instance, "view"), viewers));
    }

    private static Map<String, List<String>> attributes(TeamSnapshot team, String instance, String access) {
        Map<String, List<String>> attributes = new LinkedHashMap<>();
        attributes.put(TEAM_ATTRIBUTE, List.of(team.slug()));
        attributes.put(MANAGED_BY_ATTRIBUTE, List.of(MANAGER));
        attributes.put(INSTANCE_ATTRIBUTE, List.of(instance));
        attributes.put(DISPLAY_NAME_ATTRIBUTE, List.of(team.displayName()));
        attributes.put(ACCESS_ATTRIBUTE, List.of(access));
        return attributes;
    }
}
