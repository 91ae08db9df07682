package ai.portal.platform.team;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;

import ai.portal.platform.me.TeamMembership;
import ai.portal.platform.security.CurrentUser;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

class TeamAuthorizerTest {

    private static final CurrentUser ALICE = user("alice", Set.of("data-scientist"));
    private static final CurrentUser ADMIN = user("admin", Set.of("platform-admin"));

    private final TeamAuthorizer authorizer = new TeamAuthorizer(caller -> caller == ALICE
            ? Flux.just(new TeamMembership("vision", "Vision", "member"), new TeamMembership("nlp", "NLP", "viewer"))
            : Flux.empty());

    @Test
    void membersMayEditAndViewersOnlyView() {
        assertThat(authorizer.require(ALICE, "vision", TeamPermission.EDIT).block())
                .isEqualTo(new TeamGrant("vision", java.util.Optional.of(TeamRole.MEMBER), false));
        assertThat(authorizer.require(ALICE, "nlp", TeamPermission.VIEW).block().namespace()).isEqualTo("team-nlp");
        assertThatThrownBy(() -> authorizer.require(ALICE, "nlp", TeamPermission.EDIT).block())
                .isInstanceOf(TeamAccessDenied.class).hasMessageContaining("403");
        assertThatThrownBy(() -> authorizer.require(ALICE, "vision", TeamPermission.MANAGE).block())
                .isInstanceOf(TeamAccessDenied.class).hasMessageContaining("403");
    }

    @Test
    void outsidersGetTheSameAnswerForTeamsThatExistAndTeamsThatDoNot() {
        var forExisting = catchDenial(user("bob", Set.of("data-scientist")), "vision");
        var forMissing = catchDenial(user("bob", Set.of("data-scientist")), "no-such-team");
        assertThat(forExisting.getStatusCode().value()).isEqualTo(404).isEqualTo(forMissing.getStatusCode().value());
        assertThat(forExisting.getBody().getTitle()).isEqualTo(forMissing.getBody().getTitle());
    }

    @Test
    void platformAdminsMayDoEverythingAndAMalformedSlugIsNeverLookedUp() {
        assertThat(authorizer.require(ADMIN, "vision", TeamPermission.ADMIN).block().platformAdmin()).isTrue();
        assertThat(catchDenial(ADMIN, "team\u0000x").getStatusCode().value()).isEqualTo(404);
    }

    private TeamAccessDenied catchDenial(CurrentUser caller, String slug) {
        try {
            authorizer.require(caller, slug, TeamPermission.VIEW).block();
        } catch (TeamAccessDenied denied) {
            return denied;
        }
        throw new AssertionError("expected a denial for " + slug);
    }

    private static CurrentUser user(String name, Set<String> roles) {
        return new CurrentUser("sub-" + name, name, name, null, roles, Set.of());
    }
}
