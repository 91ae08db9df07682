package ai.portal.platform.me;

import ai.portal.platform.security.CurrentUser;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
@RequestMapping("/api/v1/me")
@Tag(name = "me", description = "The authenticated caller")
public class MeController {

    private final TeamDirectory teams;

    public MeController(TeamDirectory teams) {
        this.teams = teams;
    }

    @GetMapping
    @Operation(summary = "Who am I", description = "Subject, username, roles and teams of the caller")
    public Mono<Me> me(@AuthenticationPrincipal Jwt token) {
        CurrentUser user = CurrentUser.from(token);
        return teams.teamsOf(user).collectList()
                .map(memberships -> new Me(user.subject(), user.username(), user.name(), user.email(),
                        user.roles(), memberships));
    }
}
