package ai.portal.jobs.launch;

import java.util.List;

import ai.portal.jobs.launch.LaunchRequests.LaunchNotebook;
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
@RequestMapping("/api/v1/teams/{team}/notebooks")
@Tag(name = "notebooks", description = "Jupyter notebooks of a team")
class NotebookController {

    private final LaunchService launches;

    NotebookController(LaunchService launches) {
        this.launches = launches;
    }

    @GetMapping
    @Operation(summary = "The team's notebooks with their status (any member)")
    Mono<List<WorkloadView>> list(@AuthenticationPrincipal Jwt token, @PathVariable String team) {
        return launches.list(CurrentUser.from(token), team, WorkloadKind.NOTEBOOK);
    }

    @PostMapping
    @Operation(summary = "Launch a notebook (owners and members)",
            description = "Refused at once, creating nothing, when it could never run (422) or would not start now "
                    + "(409): the problem names the field and says why. With dryRun=true nothing is created and the "
                    + "answer is the check itself (200, LaunchCheck).")
    Mono<ResponseEntity<Object>> launch(@AuthenticationPrincipal Jwt token, @PathVariable String team,
                                        @Valid @RequestBody LaunchNotebook request,
                                        @Parameter(description = "Only check; create nothing")
                                        @RequestParam(defaultValue = "false") boolean dryRun) {
        CurrentUser caller = CurrentUser.from(token);
        if (dryRun) {
            return launches.checkNotebook(caller, team, request).map(check -> ResponseEntity.ok(check));
        }
        return launches.launchNotebook(caller, team, request)
                .map(view -> ResponseEntity.status(HttpStatus.CREATED).body(view));
    }

    @GetMapping("/{name}")
    @Operation(summary = "One notebook with its status")
    Mono<WorkloadView> get(@AuthenticationPrincipal Jwt token, @PathVariable String team, @PathVariable String name) {
        return launches.get(CurrentUser.from(token), team, name, WorkloadKind.NOTEBOOK);
    }

    @PostMapping("/{name}/stop")
    @Operation(summary = "Stop a notebook (replicas 0; the workspace is kept)")
    Mono<WorkloadView> stop(@AuthenticationPrincipal Jwt token, @PathVariable String team, @PathVariable String name) {
        return launches.stopNotebook(CurrentUser.from(token), team, name);
    }

    @PostMapping("/{name}/start")
    @Operation(summary = "Start a stopped notebook with its workspace",
            description = "Refused (409) when it would not start now, with the reason")
    Mono<WorkloadView> start(@AuthenticationPrincipal Jwt token, @PathVariable String team,
                             @PathVariable String name) {
        return launches.startNotebook(CurrentUser.from(token), team, name);
    }

    @PostMapping("/{name}/resize")
    @Operation(summary = "Change a notebook's CPU and memory (owners and members)",
            description = "E.g. to its right-sizing recommendation. A running notebook restarts with the new size (its "
                    + "workspace is kept); a restart the quota refuses leaves it stopped at the new size, with the "
                    + "reason (409/422)")
    Mono<WorkloadView> resize(@AuthenticationPrincipal Jwt token, @PathVariable String team, @PathVariable String name,
                              @Valid @RequestBody LaunchRequests.Resize request) {
        return launches.resizeNotebook(CurrentUser.from(token), team, name, request);
    }

    @DeleteMapping("/{name}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Delete a notebook",
            description = "Its workspace volume is kept unless deleteWorkspace=true; a new notebook of the same name "
                    + "gets a kept workspace back")
    Mono<Void> delete(@AuthenticationPrincipal Jwt token, @PathVariable String team, @PathVariable String name,
                      @RequestParam(defaultValue = "false") boolean deleteWorkspace) {
        return launches.delete(CurrentUser.from(token), team, name, WorkloadKind.NOTEBOOK, deleteWorkspace);
    }
}
