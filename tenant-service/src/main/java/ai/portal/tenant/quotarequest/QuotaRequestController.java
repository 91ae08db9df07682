package ai.portal.tenant.quotarequest;

import ai.portal.platform.security.CurrentUser;
import ai.portal.tenant.quotarequest.QuotaRequestApi.Decision;
import ai.portal.tenant.quotarequest.QuotaRequestApi.NewRequest;
import ai.portal.tenant.quotarequest.QuotaRequestApi.QuotaRequest;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

@RestController
@Tag(name = "quota requests", description = "Members ask for more quota; platform admins decide")
class QuotaRequestController {

    private final QuotaRequestService requests;

    QuotaRequestController(QuotaRequestService requests) {
        this.requests = requests;
    }

    @PostMapping("/api/v1/teams/{slug}/quota-requests")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Ask for a different quota (owners and members)")
    Mono<QuotaRequest> create(@AuthenticationPrincipal Jwt token, @PathVariable String slug,
                              @Valid @RequestBody NewRequest request) {
        return requests.create(CurrentUser.from(token), slug, request);
    }

    @GetMapping("/api/v1/teams/{slug}/quota-requests")
    @Operation(summary = "A team's quota requests, newest first (any member)")
    Flux<QuotaRequest> forTeam(@AuthenticationPrincipal Jwt token, @PathVariable String slug) {
        return requests.forTeam(CurrentUser.from(token), slug);
    }

    @GetMapping("/api/v1/quota-requests")
    @Operation(summary = "Every team's quota requests with a status, oldest first (platform admin)")
    Flux<QuotaRequest> withStatus(@AuthenticationPrincipal Jwt token,
                                  @RequestParam(defaultValue = "pending") String status) {
        return requests.withStatus(CurrentUser.from(token), status);
    }

    @PostMapping("/api/v1/quota-requests/{id}/approve")
    @Operation(summary = "Approve: the team's quota becomes the requested one (platform admin)")
    Mono<QuotaRequest> approve(@AuthenticationPrincipal Jwt token, @PathVariable long id,
                               @Valid @RequestBody(required = false) Decision decision) {
        return requests.approve(CurrentUser.from(token), id, decision == null ? null : decision.reason());
    }

    @PostMapping("/api/v1/quota-requests/{id}/reject")
    @Operation(summary = "Reject with a reason (platform admin)")
    Mono<QuotaRequest> reject(@AuthenticationPrincipal Jwt token, @PathVariable long id,
                              @Valid @RequestBody Decision decision) {
        return requests.reject(CurrentUser.from(token), id, decision.reason());
    }
}
