package ai.portal.tenant.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import ai.portal.platform.team.TeamRole;
import ai.portal.tenant.domain.Member;
import ai.portal.tenant.domain.Quota;
import ai.portal.tenant.domain.TeamSnapshot;
import ai.portal.tenant.domain.TeamState;
import org.junit.jupiter.api.Test;

/** The groups a team must have, without Keycloak. */
class TeamGroupTest {

    private static TeamSnapshot team(Member... members) {
        return new TeamSnapshot("vision", "Vision", "", TeamState.ACTIVE, Quota.DEFAULT, List.of(members));
    }

    @Test
    void putsOwnersAndMembersInTheTeamGroupAndViewersInTheViewersGroup() {
        List<TeamGroup> groups = TeamGroup.desired(team(
                new Member("s-owner", "olga", TeamRole.OWNER),
                new Member("s-member", "mo", TeamRole.MEMBER),
                new Member("s-viewer", "vic", TeamRole.VIEWER)), "prod-a1");

        assertThat(groups).extracting(TeamGroup::name).containsExactly("team-vision", "team-vision.viewers");
        assertThat(groups.get(0).subjects()).containsExactlyInAnyOrder("s-owner", "s-member");
        assertThat(groups.get(1).subjects()).containsExactly("s-viewer");
    }

    @Test
    void givesATeamWithoutMembersTwoEmptyGroups() {
        assertThat(TeamGroup.desired(team(), "prod-a1")).allSatisfy(group -> assertThat(group.subjects()).isEmpty());
    }

    @Test
    void keepsOnlyTheStrongerAccessOfSomeoneListedTwice() {
        List<TeamGroup> groups = TeamGroup.desired(team(
                new Member("s-1", "ann", TeamRole.VIEWER), new Member("s-1", "ann", TeamRole.MEMBER)), "prod-a1");

        assertThat(groups.get(0).subjects()).containsExactly("s-1");
        assertThat(groups.get(1).subjects()).isEmpty();
    }

    @Test
    void marksBothGroupsAsTheTeamsAndAsManagedByThisInstallationsTenantService() {
        assertThat(TeamGroup.desired(team(), "prod-a1")).allSatisfy(group -> assertThat(group.attributes())
                .containsEntry("portal.ai/team", List.of("vision"))
                .containsEntry("portal.ai/managed-by", List.of("tenant-service"))
                .containsEntry("portal.ai/instance", List.of("prod-a1"))
                .containsEntry("portal.ai/display-name", List.of("Vision")));
        assertThat(TeamGroup.desired(team(), "prod-a1")).extracting(group -> group.attributes().get("portal.ai/access"))
                .containsExactly(List.of("edit"), List.of("view"));
    }

    @Test
    void namesTheGroupsAsKubernetesBindsThem() {
        assertThat(TeamGroup.namesOf("nlp")).containsExactly("team-nlp", "team-nlp.viewers");
    }

    @Test
    void readsTheTeamFromAGroupNameAndIgnoresNamesItWouldNeverGive() {
        assertThat(TeamGroup.slugOf("team-nlp")).contains("nlp");
        assertThat(TeamGroup.slugOf("team-nlp-2.viewers")).contains("nlp-2");
        assertThat(TeamGroup.slugOf("admins")).isEmpty();
        assertThat(TeamGroup.slugOf("team-nlp.owners")).isEmpty();
        assertThat(TeamGroup.slugOf("team-NLP")).isEmpty();
        assertThat(TeamGroup.slugOf(null)).isEmpty();
    }
}
