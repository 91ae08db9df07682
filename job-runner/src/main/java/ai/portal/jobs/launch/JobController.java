package ai.portal.jobs.launch;

import java.util.List;

import ai.portal.jobs.launch.LaunchRequests.SubmitJob;
import ai.portal.jobs.status.WorkloadView;
import ai.portal.jobs.workload.WorkloadKind;
import ai.portal.platform.security.CurrentUser;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
@RequestMapping("/api/v1/teams/{team}/jobs")
@Tag(name = "jobs", description = "Training jobs of a team, admitted by Kueue")
class JobController {

    private final LaunchService launches;

    JobController(LaunchService launches) {
        this.launches = launches;
    }

    @GetMapping
    @Operation(summary = "The team's jobs with status, queue position, reason and estimated start (any member)")
    Mono<List<WorkloadView>> list(@AuthenticationPrincipal Jwt token, @PathVariable String team) {
        return launches.list(CurrentUser.from(token), team, WorkloadKind.JOB);
    }

    @PostMapping
    @Operation(summary = "Submit a training job (owners and members)",
            description = "It waits in the team's queue until Kueue admits it. Refused at once (422), creating "
                    + "nothing, when it could never run here. With dryRun=true nothing is created and the answer is "
                    + "the check (200, LaunchCheck), including whether it would start now.")
    Mono<ResponseEntity<Object>> submit(@AuthenticationPrincipal Jwt token, @PathVariable String team,
                                        @Valid @RequestBody SubmitJob request,
                                        @Parameter(description = "Only check; create nothing")
                                        @RequestParam(defaultValue = "false") boolean dryRun) {
        CurrentUser caller = CurrentUser.from(token);
        if (dryRun) {
            return launches.checkJob(caller, team, request).map(check -> ResponseEntity.ok(check));
        }
        return launches.submitJob(caller, team, request)
                .map(view -> ResponseEntity.status(HttpStatus.CREATED).body(view));
    }

    @GetMapping("/{name}")
    @Operation(summary = "One job with its status")
    Mono<WorkloadView> get(@AuthenticationPrincipal Jwt token, @PathVariable String team, @PathVariable String name) {
        return launches.get(CurrentUser.from(token), team, name, WorkloadKind.JOB);
    }

    @PostMapping("/{name}/cancel")
    @Operation(summary = "Cancel a job: its pods stop, its history stays", description = "409 once it has finished")
    Mono<WorkloadView> cancel(@AuthenticationPrincipal Jwt token, @PathVariable String team,
                              @PathVariable String name) {
        return launches.cancelJob(CurrentUser.from(token), team, name);
    }

    @DeleteMapping("/{name}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Delete a job (running pods stop); its usage stays accounted")
    Mono<Void> delete(@AuthenticationPrincipal Jwt token, @PathVariable String team, @PathVariable String name) {
        return launches.delete(CurrentUser.from(token), team, name, WorkloadKind.JOB, false);
    }
}
