package ai.portal.platform.me;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;

import ai.portal.platform.security.CurrentUser;
import org.junit.jupiter.api.Test;

class TokenGroupsTeamDirectoryTest {

    private final TokenGroupsTeamDirectory directory = new TokenGroupsTeamDirectory();

    @Test
    void readsEditorAndViewerTeamsFromGroupNamesAndIgnoresOtherGroups() {
        CurrentUser user = new CurrentUser("sub", "alice", "Alice", null, Set.of("data-scientist"),
                Set.of("team-vision", "team-nlp-lab.viewers", "finance", "team-"));

        assertThat(directory.teamsOf(user).collectList().block())
                .containsExactlyInAnyOrder(
                        new TeamMembership("vision", "vision", "member"),
                        new TeamMembership("nlp-lab", "nlp-lab", "viewer"));
    }
}
