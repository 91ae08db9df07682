package ai.portal.jobs.serving;

import ai.portal.platform.security.CurrentUser;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

@RestController
@RequestMapping("/api/v1/teams/{team}/model-deployments/{name}/keys")
@Tag(name = "models")
class ApiKeyController {

    private final ApiKeyService keys;

    ApiKeyController(ApiKeyService keys) {
        this.keys = keys;
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Create an API key for this deployment (owners, members)",
            description = "For machine clients: `Authorization: Bearer <key>` on the deployment's `invocationsPath` "
                    + "opens this deployment only (another deployment's or team's path: 403; a revoked or unknown key: "
                    + "401; over the deployment's rate limit: 429 with `Retry-After`). The answer's `key` is the only "
                    + "time the key is shown: only its SHA-256 is stored. Audited as `model.key.create` (without the "
                    + "key). 400 without a name, 404 no such deployment, 403 for viewers.")
    Mono<ApiKeyView> create(@AuthenticationPrincipal Jwt token, @PathVariable String team, @PathVariable String name,
                            @RequestBody(required = false) ApiKeyRequest request) {
        return keys.create(CurrentUser.from(token), team, name, request);
    }

    @GetMapping
    @Operation(summary = "The deployment's API keys, revoked ones included (owners, members, viewers)",
            description = "Name, prefix, who created it and when, when it was last used (to the minute) and revoked; "
                    + "never the key.")
    Flux<ApiKeyView> list(@AuthenticationPrincipal Jwt token, @PathVariable String team, @PathVariable String name) {
        return keys.list(CurrentUser.from(token), team, name);
    }

    @DeleteMapping("/{id}")
    @Operation(summary = "Revoke an API key (owners, members)",
            description = "The gateway refuses it (401) from the next request on. The key stays listed as revoked; "
                    + "revoking it again changes nothing. Audited as `model.key.revoke`.")
    Mono<ApiKeyView> revoke(@AuthenticationPrincipal Jwt token, @PathVariable String team, @PathVariable String name,
                            @PathVariable String id) {
        return keys.revoke(CurrentUser.from(token), team, name, id);
    }
}
