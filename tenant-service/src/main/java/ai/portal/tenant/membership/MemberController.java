package ai.portal.tenant.membership;

import ai.portal.platform.security.CurrentUser;
import ai.portal.platform.team.TeamRole;
import ai.portal.tenant.domain.Member;
import ai.portal.tenant.membership.MemberApi.AddMember;
import ai.portal.tenant.membership.MemberApi.ChangeRole;
import ai.portal.tenant.membership.MemberApi.MemberView;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

@RestController
@RequestMapping("/api/v1/teams/{slug}/members")
@Tag(name = "members", description = "Who is in a team, in which role")
class MemberController {

    private final MembershipService memberships;

    MemberController(MembershipService memberships) {
        this.memberships = memberships;
    }

    @GetMapping
    @Operation(summary = "Members of a team (any member)")
    Flux<MemberView> list(@AuthenticationPrincipal Jwt token, @PathVariable String slug) {
        return memberships.list(CurrentUser.from(token), slug).map(MemberController::view);
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Add a member (owner or platform admin)", description = "404 when the user does not exist")
    Mono<MemberView> add(@AuthenticationPrincipal Jwt token, @PathVariable String slug,
                         @Valid @RequestBody AddMember request) {
        return memberships.add(CurrentUser.from(token), slug, request.username(), TeamRole.fromWire(request.role()))
                .map(MemberController::view);
    }

    @PutMapping("/{username}")
    @Operation(summary = "Change a member's role (owner or platform admin)",
            description = "409 when it would leave the team without an owner")
    Mono<MemberView> changeRole(@AuthenticationPrincipal Jwt token, @PathVariable String slug,
                                @PathVariable String username, @Valid @RequestBody ChangeRole request) {
        return memberships.changeRole(CurrentUser.from(token), slug, username, TeamRole.fromWire(request.role()))
                .map(MemberController::view);
    }

    @DeleteMapping("/{username}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Remove a member (owner or platform admin)",
            description = "409 when it would leave the team without an owner")
    Mono<Void> remove(@AuthenticationPrincipal Jwt token, @PathVariable String slug, @PathVariable String username) {
        return memberships.remove(CurrentUser.from(token), slug, username);
    }

    private static MemberView view(Member member) {
        return new MemberView(member.subject(), member.username(), member.role().wireName());
    }
}
