package ai.portal.tenant.accessrequest;

import ai.portal.platform.security.CurrentUser;
import ai.portal.tenant.accessrequest.AccessRequestApi.AccessRequest;
import ai.portal.tenant.accessrequest.AccessRequestApi.Approval;
import ai.portal.tenant.accessrequest.AccessRequestApi.NewAccessRequest;
import ai.portal.tenant.accessrequest.AccessRequestApi.Rejection;
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
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code /api/v1/me/access-requests} is open to anyone signed in, portal role or not (see
 * {@code portal.security.signed-in-paths}): it is how someone without access asks for it. Deciding is for platform
 * admins.
 */
@RestController
@Tag(name = "access requests", description = "People without a portal role ask for access; platform admins decide")
class AccessRequestController {

    private final AccessRequestService requests;

    AccessRequestController(AccessRequestService requests) {
        this.requests = requests;
    }

    @PostMapping("/api/v1/me/access-requests")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Ask for access to the portal, optionally to a team (anyone signed in)",
            description = "One request may wait at a time (409 otherwise). Someone who already has access may ask "
                    + "only to join a team.")
    Mono<AccessRequest> create(@AuthenticationPrincipal Jwt token, @Valid @RequestBody NewAccessRequest request) {
        return requests.create(CurrentUser.from(token), request);
    }

    @GetMapping("/api/v1/me/access-requests")
    @Operation(summary = "The caller's access requests and their decisions, newest first")
    Flux<AccessRequest> mine(@AuthenticationPrincipal Jwt token) {
        return requests.mine(CurrentUser.from(token));
    }

    @DeleteMapping("/api/v1/me/access-requests/{id}")
    @Operation(summary = "Withdraw a waiting request of the caller's")
    Mono<AccessRequest> withdraw(@AuthenticationPrincipal Jwt token, @PathVariable long id) {
        return requests.withdraw(CurrentUser.from(token), id);
    }

    @GetMapping("/api/v1/access-requests")
    @Operation(summary = "Access requests with a status, oldest first (platform admin)")
    Flux<AccessRequest> withStatus(@AuthenticationPrincipal Jwt token,
                                   @RequestParam(defaultValue = "pending") String status) {
        return requests.withStatus(CurrentUser.from(token), status);
    }

    @PostMapping("/api/v1/access-requests/{id}/approve")
    @Operation(summary = "Grant the data-scientist role and/or a membership (platform admin)",
            description = "By default the role, and the team asked for as member. The requester's next sign-in "
                    + "(or token refresh) carries the role.")
    Mono<AccessRequest> approve(@AuthenticationPrincipal Jwt token, @PathVariable long id,
                                @Valid @RequestBody(required = false) Approval approval) {
        return requests.approve(CurrentUser.from(token), id, approval);
    }

    @PostMapping("/api/v1/access-requests/{id}/reject")
    @Operation(summary = "Refuse with a reason the requester reads (platform admin)")
    Mono<AccessRequest> reject(@AuthenticationPrincipal Jwt token, @PathVariable long id,
                               @Valid @RequestBody Rejection rejection) {
        return requests.reject(CurrentUser.from(token), id, rejection.reason());
    }
}
