package ai.portal.jobs.launch;

import java.util.List;

import ai.portal.jobs.status.WorkloadView;
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
@Tag(name = "workloads", description = "A team's notebooks and jobs together, one in detail, and what it can launch")
class WorkloadController {

    private final LaunchService launches;

    WorkloadController(LaunchService launches) {
        this.launches = launches;
    }

    @GetMapping("/workloads")
    @Operation(summary = "The team's notebooks and jobs with their status (any member)")
    Mono<List<WorkloadView>> list(@AuthenticationPrincipal Jwt token, @PathVariable String team) {
        return launches.list(CurrentUser.from(token), team, null);
    }

    @GetMapping("/workloads/{name}")
    @Operation(summary = "One notebook or job in detail",
            description = "Status now, its history (phase timeline, admission decisions: admitted, waiting and why, "
                    + "preempted by whom) and its Kubernetes events in plain language")
    Mono<WorkloadDetail> detail(@AuthenticationPrincipal Jwt token, @PathVariable String team,
                                @PathVariable String name) {
        return launches.detail(CurrentUser.from(token), team, name);
    }

    @GetMapping("/capacity")
    @Operation(summary = "What the team can launch now",
            description = "Per GPU type: quota, use, what could be borrowed, free GPUs on the cluster and the most a "
                    + "notebook could start with now; CPU and memory; notebooks against the team's limit")
    Mono<TeamCapacity> capacity(@AuthenticationPrincipal Jwt token, @PathVariable String team) {
        return launches.capacity(CurrentUser.from(token), team);
    }
}
