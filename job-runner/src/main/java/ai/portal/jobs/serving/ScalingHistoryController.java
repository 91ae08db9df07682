package ai.portal.jobs.serving;

import ai.portal.platform.security.CurrentUser;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
@RequestMapping("/api/v1/teams/{team}")
@Tag(name = "models")
class ScalingHistoryController {

    private final ScalingHistory history;

    ScalingHistoryController(ScalingHistory history) {
        this.history = history;
    }

    @GetMapping("/model-deployments/{name}/scaling-history")
    @Operation(summary = "A model deployment's replicas over the last 24 hours, with what drove each change",
            description = "Every rescale by the cluster's HPA controller (kept 30 days, beyond Kubernetes' one-hour "
                    + "events): when, to how many replicas, the target that drove it (`metric`: cpuUtilization, "
                    + "memoryUtilization, requestsPerSecond, gpuUtilization; null for a scale-in, when every "
                    + "metric was below its target) and the controller's own words. Owners, members and viewers; "
                    + "404 for anyone else and for a deployment that does not exist.")
    Mono<ScalingHistoryView> history(@AuthenticationPrincipal Jwt token, @PathVariable String team,
                                     @PathVariable String name) {
        return history.of(CurrentUser.from(token), team, name);
    }
}
