package ai.portal.jobs.launch;

import java.util.List;

import ai.portal.jobs.status.WorkloadView;
import ai.portal.platform.security.CurrentUser;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
@Tag(name = "workloads")
class MyWorkloadsController {

    private final LaunchService launches;

    MyWorkloadsController(LaunchService launches) {
        this.launches = launches;
    }

    @GetMapping("/api/v1/workloads/mine")
    @Operation(summary = "The caller's notebooks and jobs in all their teams, with status, position and ETA")
    Mono<List<WorkloadView>> mine(@AuthenticationPrincipal Jwt token) {
        return launches.mine(CurrentUser.from(token));
    }
}
