package ai.portal.platform.team;

import static org.assertj.core.api.Assertions.assertThat;

import ai.portal.platform.team.TeamNames.TeamGroupName;
import org.junit.jupiter.api.Test;

class TeamNamesTest {

    @Test
    void derivesNamespaceAndGroupsFromTheSlug() {
        assertThat(TeamNames.namespace("vision")).isEqualTo("team-vision");
        assertThat(TeamNames.editorsGroup("vision")).isEqualTo("team-vision");
        assertThat(TeamNames.viewersGroup("vision")).isEqualTo("team-vision.viewers");
        assertThat(TeamNames.groupPath(TeamNames.viewersGroup("vision"))).isEqualTo("/teams/team-vision.viewers");
    }

    @Test
    void readsTheTeamBackFromNamespacesAndGroups() {
        assertThat(TeamNames.slugOfNamespace("team-nlp-lab")).contains("nlp-lab");
        assertThat(TeamNames.slugOfNamespace("kube-system")).isEmpty();
        assertThat(TeamNames.slugOfNamespace("team-X")).isEmpty();
        assertThat(TeamNames.parseGroup("/teams/team-vision", true)).contains(new TeamGroupName("vision", false));
        assertThat(TeamNames.parseGroup("/teams/team-vision.viewers", true)).contains(new TeamGroupName("vision", true));
    }

    @Test
    void aGroupNamedLikeATeamOutsideTheTeamsParentIsNoTeamsWhenPathsAreRequired() {
        assertThat(TeamNames.parseGroup("team-vision", true)).isEmpty();
        assertThat(TeamNames.parseGroup("/other/team-vision", true)).isEmpty();
        assertThat(TeamNames.parseGroup("/other/team-vision", false)).isEmpty();
        assertThat(TeamNames.parseGroup("team-vision", false)).contains(new TeamGroupName("vision", false));
    }

    @Test
    void slugsFollowTheApiRule() {
        assertThat(TeamNames.isSlug("ab")).isFalse();
        assertThat(TeamNames.isSlug("abc")).isTrue();
        assertThat(TeamNames.isSlug("a-b-")).isFalse();
        assertThat(TeamNames.isSlug("1abc")).isFalse();
        assertThat(TeamNames.isSlug("a".repeat(33))).isFalse();
        assertThat(TeamNames.isSlug(null)).isFalse();
    }
}
