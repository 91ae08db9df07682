package ai.portal.jobs.culling;

import ai.portal.jobs.status.WorkloadView;
import ai.portal.platform.security.CurrentUser;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
@RequestMapping("/api/v1/teams/{team}/notebooks/{name}")
@Tag(name = "notebooks", description = "Jupyter notebooks of a team")
class IdleController {

    @Schema(description = "How long to keep the notebook from being stopped for idleness, from now")
    record Extension(@Schema(description = "Seconds, at most the platform's maxIdleExtensionSeconds",
            example = "7200") Long seconds) {
    }

    private final IdleExtensions extensions;

    IdleController(IdleExtensions extensions) {
        this.extensions = extensions;
    }

    @PostMapping("/idle-extension")
    @Operation(summary = "Keep a running notebook from being stopped for idleness (owners and members)",
            description = "Not stopped for idleness before now + seconds; a standing idle warning is withdrawn. "
                    + "400 beyond the platform's bound, 409 when the notebook is stopped.")
    Mono<WorkloadView> extend(@AuthenticationPrincipal Jwt token, @PathVariable String team,
                              @PathVariable String name, @RequestBody Extension body) {
        return extensions.extend(CurrentUser.from(token), team, name, body.seconds());
    }
}
