package ai.portal.tenant.quota;

import ai.portal.platform.security.CurrentUser;
import ai.portal.tenant.domain.Quota;
import ai.portal.tenant.quota.QuotaApi.GpuType;
import ai.portal.tenant.quota.QuotaApi.QuotaSpec;
import ai.portal.tenant.quota.QuotaApi.QuotaUsage;
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
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

@RestController
@Tag(name = "quotas", description = "Team quotas per resource and GPU type, their use, and the GPU type catalogue")
class QuotaController {

    private final QuotaService quotas;

    QuotaController(QuotaService quotas) {
        this.quotas = quotas;
    }

    @GetMapping("/api/v1/teams/{slug}/quota")
    @Operation(summary = "A team's quota (any member)")
    Mono<Quota> get(@AuthenticationPrincipal Jwt token, @PathVariable String slug) {
        return quotas.get(CurrentUser.from(token), slug);
    }

    @PutMapping("/api/v1/teams/{slug}/quota")
    @Operation(summary = "Set a team's quota (platform admin)",
            description = "409 when below current usage, unless force=true; 400 names the field at fault")
    Mono<Quota> set(@AuthenticationPrincipal Jwt token, @PathVariable String slug, @Valid @RequestBody QuotaSpec spec,
                    @RequestParam(defaultValue = "false") boolean force) {
        return quotas.set(CurrentUser.from(token), slug, spec, force);
    }

    @GetMapping("/api/v1/teams/{slug}/quota/usage")
    @Operation(summary = "Live used/hard per resource (ResourceQuota status) and per GPU type (running pods)")
    Mono<QuotaUsage> usage(@AuthenticationPrincipal Jwt token, @PathVariable String slug) {
        return quotas.usage(CurrentUser.from(token), slug);
    }

    @GetMapping("/api/v1/gpu-types")
    @Operation(summary = "The GPU type catalogue, with each type's capacity on the cluster now")
    Flux<GpuType> gpuTypes() {
        return quotas.gpuTypes();
    }

    @PostMapping("/api/v1/gpu-types")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Add a GPU type (platform admin)",
            description = "It must match the nvidia.com/gpu.product label of a node, unless force=true")
    Mono<GpuType> addGpuType(@AuthenticationPrincipal Jwt token, @Valid @RequestBody GpuType type,
                             @RequestParam(defaultValue = "false") boolean force) {
        return quotas.addGpuType(CurrentUser.from(token), type, force);
    }

    @DeleteMapping("/api/v1/gpu-types/{name}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Remove a GPU type no quota uses (platform admin)")
    Mono<Void> removeGpuType(@AuthenticationPrincipal Jwt token, @PathVariable String name) {
        return quotas.removeGpuType(CurrentUser.from(token), name);
    }
}
