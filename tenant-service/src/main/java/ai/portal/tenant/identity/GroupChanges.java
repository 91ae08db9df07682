package ai.portal.tenant.identity;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What must change in Keycloak for a team's groups to be as {@link TeamGroup#desired} says, given what Keycloak holds
 * now: a pure function, tested without Keycloak, like the Kubernetes model beside it. {@link KeycloakTeamSync} reads
 * the groups, asks for the changes and carries them out in the order given: attribute updates, then every addition,
 * then every removal (so a role change never leaves a person without access in between).
 *
 * @param updates   groups whose description or portal attributes differ; attributes others added are kept
 * @param additions members to add, every group's before any removal
 * @param removals  members to remove
 */
record GroupChanges(List<AttributeUpdate> updates, List<Membership> additions, List<Membership> removals) {

    /**
     * A team group as Keycloak holds it.
     *
     * @param members subject → username of its members
     */
    record ObservedGroup(String id, String name, String path, String description,
                         Map<String, List<String>> attributes, Map<String, String> members) {
    }

    /** The description and the whole attribute map to write to a group. */
    record AttributeUpdate(ObservedGroup group, String description, Map<String, List<String>> attributes) {
    }

    /** One member of one group; {@code username} may be null when only the subject is known. */
    record Membership(ObservedGroup group, String subject, String username) {

        String who() {
            return username == null ? subject : username + " (" + subject + ")";
        }
    }

    /**
     * @param desired   the team's groups, as {@link TeamGroup#desired} gives them
     * @param observed  the same groups in Keycloak, by name; each desired group must be present (created first)
     * @param usernames subject → username of the team's members, to name people in logs and errors
     */
    static GroupChanges between(List<TeamGroup> desired, Map<String, ObservedGroup> observed,
                                Map<String, String> usernames) {
        List<AttributeUpdate> updates = new ArrayList<>();
        List<Membership> additions = new ArrayList<>();
        List<Membership> removals = new ArrayList<>();
        for (TeamGroup want : desired) {
            ObservedGroup have = observed.get(want.name());
            if (have == null) {
                throw new IllegalArgumentException("group " + want.name() + " must exist before it is compared");
            }
            if (!upToDate(have, want)) {
                Map<String, List<String>> attributes = new LinkedHashMap<>(have.attributes());
                attributes.putAll(want.attributes());
                updates.add(new AttributeUpdate(have, want.description(), attributes));
            }
            want.subjects().stream().sorted()
                    .filter(subject -> !have.members().containsKey(subject))
                    .forEach(subject -> additions.add(new Membership(have, subject, usernames.get(subject))));
            have.members().forEach((subject, username) -> {
                if (!want.subjects().contains(subject)) {
                    removals.add(new Membership(have, subject, username));
                }
            });
        }
        return new GroupChanges(List.copyOf(updates), List.copyOf(additions), List.copyOf(removals));
    }

    boolean isEmpty() {
        return updates.isEmpty() && additions.isEmpty() && removals.isEmpty();
    }

    private static boolean upToDate(ObservedGroup group, TeamGroup desired) {
        return Objects.equals(group.description(), desired.description())
                && desired.attributes().entrySet().stream()
                .allMatch(e -> e.getValue().equals(group.attributes().get(e.getKey())));
    }
}
