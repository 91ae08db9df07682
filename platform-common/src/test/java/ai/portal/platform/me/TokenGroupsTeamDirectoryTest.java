package ai.portal.platform.me;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;

import ai.portal.platform.security.CurrentUser;
import org.junit.jupiter.api.Test;

class TokenGroupsTeamDirectoryTest {

    private final TokenGroupsTeamDirectory directory = new TokenGroupsTeamDirectory();

    @Test
    void readsEditorAndViewerTeamsFromGroupPathsUnderTeamsAndIgnoresOtherGroups() {
        CurrentUser user = new CurrentUser("sub", "alice", "Alice", null, Set.of("data-scientist"),
                Set.of("/teams/team-vision", "/teams/team-nlp-lab.viewers", "/finance", "/teams/team-"));

        assertThat(directory.teamsOf(user).collectList().block())
                .containsExactlyInAnyOrder(
                        new TeamMembership("vision", "vision", "member"),
                        new TeamMembership("nlp-lab", "nlp-lab", "viewer"));
    }

    @Test
    void aGroupNamedLikeATeamOutsideTeamsGrantsNothing() {
        CurrentUser user = new CurrentUser("sub", "mallory", "Mallory", null, Set.of("data-scientist"),
                Set.of("team-vision", "/partners/team-vision", "/team-vision", "/teams/sub/team-vision"));

        assertThat(directory.teamsOf(user).collectList().block()).isEmpty();
    }
}
