package ai.portal.tenant.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.portal.platform.team.TeamRole;
import ai.portal.tenant.domain.Member;
import ai.portal.tenant.domain.Quota;
import ai.portal.tenant.domain.TeamSnapshot;
import ai.portal.tenant.domain.TeamState;
import ai.portal.tenant.identity.GroupChanges.Membership;
import ai.portal.tenant.identity.GroupChanges.ObservedGroup;
import org.junit.jupiter.api.Test;

/** The Keycloak diff of a team's groups, without Keycloak. */
class GroupChangesTest {

    static final Member OLGA = new Member("s-olga", "olga", TeamRole.OWNER);
    static final Member MO = new Member("s-mo", "mo", TeamRole.MEMBER);
    static final Member VIC = new Member("s-vic", "vic", TeamRole.VIEWER);

    static TeamSnapshot team(Member... members) {
        return new TeamSnapshot("vision", "Vision", "", TeamState.ACTIVE, Quota.DEFAULT, List.of(members));
    }

    /** Keycloak holding exactly what {@code team} wants, with {@code members} in place of the wanted members. */
    static Map<String, ObservedGroup> keycloakAsDesired(TeamSnapshot team, Map<String, Map<String, String>> members) {
        Map<String, ObservedGroup> observed = new LinkedHashMap<>();
        for (TeamGroup group : TeamGroup.desired(team, "prod-a1")) {
            observed.put(group.name(), new ObservedGroup("id-" + group.name(), group.name(), "/teams/" + group.name(),
                    group.description(), group.attributes(), members.getOrDefault(group.name(), Map.of())));
        }
        return observed;
    }

    static GroupChanges changes(TeamSnapshot team, Map<String, ObservedGroup> observed) {
        Map<String, String> usernames = new LinkedHashMap<>();
        team.members().forEach(m -> usernames.put(m.subject(), m.username()));
        return GroupChanges.between(TeamGroup.desired(team, "prod-a1"), observed, usernames);
    }

    @Test
    void changesNothingWhenKeycloakHoldsTheTeamAsItIs() {
        TeamSnapshot team = team(OLGA, VIC);
        var observed = keycloakAsDesired(team, Map.of("team-vision", Map.of("s-olga", "olga"),
                "team-vision.viewers", Map.of("s-vic", "vic")));

        assertThat(changes(team, observed).isEmpty()).isTrue();
    }

    @Test
    void addsMissingMembersToNewGroups() {
        TeamSnapshot team = team(OLGA, MO, VIC);

        GroupChanges changes = changes(team, keycloakAsDesired(team, Map.of()));

        assertThat(changes.additions()).extracting(m -> m.group().name() + ":" + m.username())
                .containsExactly("team-vision:mo", "team-vision:olga", "team-vision.viewers:vic");
        assertThat(changes.removals()).isEmpty();
        assertThat(changes.updates()).isEmpty();
    }

    @Test
    void aRoleChangeAddsToTheNewGroupAndRemovesFromTheOld() {
        TeamSnapshot team = team(OLGA, new Member("s-vic", "vic", TeamRole.MEMBER));
        var observed = keycloakAsDesired(team, Map.of("team-vision", Map.of("s-olga", "olga"),
                "team-vision.viewers", Map.of("s-vic", "vic")));

        GroupChanges changes = changes(team, observed);

        assertThat(changes.additions()).extracting(Membership::who).containsExactly("vic (s-vic)");
        assertThat(changes.additions().getFirst().group().name()).isEqualTo("team-vision");
        assertThat(changes.removals()).singleElement()
                .satisfies(m -> assertThat(m.group().name()).isEqualTo("team-vision.viewers"));
    }

    @Test
    void removesWhoeverIsInAGroupWithoutBeingInTheTeamNamedByTheirKeycloakUsername() {
        TeamSnapshot team = team(OLGA);
        var observed = keycloakAsDesired(team, Map.of("team-vision", Map.of("s-olga", "olga", "s-eve", "eve")));

        assertThat(changes(team, observed).removals()).extracting(Membership::who).containsExactly("eve (s-eve)");
    }

    @Test
    void updatesADescriptionOrAttributeEditedByHandAndKeepsAttributesOthersAdded() {
        TeamSnapshot team = team(OLGA);
        var observed = keycloakAsDesired(team, Map.of("team-vision", Map.of("s-olga", "olga")));
        ObservedGroup edited = observed.get("team-vision");
        Map<String, List<String>> attributes = new LinkedHashMap<>(edited.attributes());
        attributes.put(TeamGroup.DISPLAY_NAME_ATTRIBUTE, List.of("Renamed by hand"));
        attributes.put("note", List.of("kept"));
        observed.put("team-vision", new ObservedGroup(edited.id(), edited.name(), edited.path(), "edited",
                attributes, edited.members()));

        GroupChanges changes = changes(team, observed);

        assertThat(changes.updates()).singleElement().satisfies(update -> {
            assertThat(update.description()).isEqualTo("Vision: owners and members");
            assertThat(update.attributes()).containsEntry(TeamGroup.DISPLAY_NAME_ATTRIBUTE, List.of("Vision"))
                    .containsEntry("note", List.of("kept"));
        });
        assertThat(changes.additions()).isEmpty();
    }

    @Test
    void refusesToCompareAGroupThatWasNotReadFirst() {
        TeamSnapshot team = team(OLGA);

        assertThatThrownBy(() -> changes(team, Map.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
