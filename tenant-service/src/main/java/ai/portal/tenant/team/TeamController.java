package ai.portal.tenant.team;

import ai.portal.platform.security.CurrentUser;
import ai.portal.tenant.team.TeamApi.CreateTeam;
import ai.portal.tenant.team.TeamApi.Team;
import ai.portal.tenant.team.TeamApi.UpdateTeam;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

@RestController
@RequestMapping("/api/v1/teams")
@Tag(name = "teams", description = "Teams and their namespaces")
class TeamController {

    private final TeamService teams;

    TeamController(TeamService teams) {
        this.teams = teams;
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Create a team (platform admin)",
            description = "Creates the team with its first owner and the default quota; its namespace and groups follow")
    Mono<Team> create(@AuthenticationPrincipal Jwt token, @Valid @RequestBody CreateTeam request) {
        return teams.create(CurrentUser.from(token), request);
    }

    @GetMapping
    @Operation(summary = "Teams", description = "Platform admins see every team; others see the teams they are in")
    Flux<Team> list(@AuthenticationPrincipal Jwt token) {
        return teams.list(CurrentUser.from(token));
    }

    @GetMapping("/{slug}")
    @Operation(summary = "One team, with its provisioning status")
    Mono<Team> get(@AuthenticationPrincipal Jwt token, @PathVariable String slug) {
        return teams.get(CurrentUser.from(token), slug);
    }

    @PatchMapping("/{slug}")
    @Operation(summary = "Rename or describe a team (owner or platform admin)")
    Mono<Team> update(@AuthenticationPrincipal Jwt token, @PathVariable String slug,
                      @Valid @RequestBody UpdateTeam request) {
        return teams.update(CurrentUser.from(token), slug, request);
    }

    @PostMapping("/{slug}/archive")
    @Operation(summary = "Archive a team (platform admin)", description = "Keeps its data; no new workloads start")
    Mono<Team> archive(@AuthenticationPrincipal Jwt token, @PathVariable String slug) {
        return teams.setArchived(CurrentUser.from(token), slug, true);
    }

    @PostMapping("/{slug}/unarchive")
    @Operation(summary = "Make an archived team active again (platform admin)")
    Mono<Team> unarchive(@AuthenticationPrincipal Jwt token, @PathVariable String slug) {
        return teams.setArchived(CurrentUser.from(token), slug, false);
    }

    @DeleteMapping("/{slug}")
    @ResponseStatus(HttpStatus.ACCEPTED)
    @Operation(summary = "Delete a team (platform admin)",
            description = "Refused with 409 while pods run in its namespace, unless force=true")
    Mono<Team> delete(@AuthenticationPrincipal Jwt token, @PathVariable String slug,
                      @RequestParam(defaultValue = "false") boolean force) {
        return teams.delete(CurrentUser.from(token), slug, force);
    }
}
