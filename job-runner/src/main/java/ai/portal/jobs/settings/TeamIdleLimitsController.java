package ai.portal.jobs.settings;

import ai.portal.platform.security.CurrentUser;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

@RestController
@RequestMapping("/api/v1/settings/teams")
@Tag(name = "settings", description = "Platform settings of the job runner")
class TeamIdleLimitsController {

    private final TeamIdleLimitsService limits;

    TeamIdleLimitsController(TeamIdleLimitsService limits) {
        this.limits = limits;
    }

    @GetMapping
    @Operation(summary = "Every team with idle limits of its own (platform admin)")
    Flux<TeamIdleSettings> list(@AuthenticationPrincipal Jwt token) {
        return limits.overrides(CurrentUser.from(token));
    }

    @GetMapping("/{team}")
    @Operation(summary = "A team's idle limits: its own and the ones that hold",
            description = "Owners, members and viewers of the team, and platform admins; 404 for anyone else.")
    Mono<TeamIdleSettings> get(@AuthenticationPrincipal Jwt token, @PathVariable String team) {
        return limits.get(CurrentUser.from(token), team);
    }

    @PutMapping("/{team}")
    @Operation(summary = "Give a team its own idle limits (platform admin)",
            description = "A limit left out follows the platform's. 400 when the platform's idle warning would not "
                    + "come before the stop; 404 for a team the cluster does not have.")
    Mono<TeamIdleSettings> put(@AuthenticationPrincipal Jwt token, @PathVariable String team,
                               @Valid @RequestBody TeamIdleLimits body) {
        return limits.set(CurrentUser.from(token), team, body);
    }

    @DeleteMapping("/{team}")
    @Operation(summary = "The team follows the platform's idle limits again (platform admin)")
    Mono<TeamIdleSettings> delete(@AuthenticationPrincipal Jwt token, @PathVariable String team) {
        return limits.reset(CurrentUser.from(token), team);
    }
}
