package ai.portal.jobs.tracking;

import ai.portal.platform.security.CurrentUser;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
@RequestMapping("/api/v1/teams/{team}/tracking")
@Tag(name = "tracking", description = "Experiment tracking: a team's MLflow tracking server")
class TrackingController {

    private final TrackingService tracking;

    TrackingController(TrackingService tracking) {
        this.tracking = tracking;
    }

    @GetMapping
    @Operation(summary = "The team's experiment tracking: on or off, and whether its server is starting, ready or "
            + "failed", description = "Owners, members and viewers of the team, and platform admins; 404 for anyone "
            + "else. `uiPath` is the MLflow UI behind the portal's sign-in; `trackingUri` what the team's new "
            + "notebooks and jobs get in MLFLOW_TRACKING_URI.")
    Mono<TrackingStatus> get(@AuthenticationPrincipal Jwt token, @PathVariable String team) {
        return tracking.status(CurrentUser.from(token), team);
    }

    @PutMapping
    @Operation(summary = "Switch experiment tracking on (team owners, platform admins)",
            description = "Starts the team's MLflow tracking server in its namespace, inside its quota: runs in the "
                    + "team's own store in PostgreSQL, artifacts on a team volume. Idempotent. New notebooks and jobs "
                    + "of the team get MLFLOW_TRACKING_URI; a running notebook gets it at its next start. 403 for "
                    + "members and viewers, 404 for other teams, 409 for an archived team or one beyond its quota.")
    Mono<TrackingStatus> enable(@AuthenticationPrincipal Jwt token, @PathVariable String team) {
        return tracking.enable(CurrentUser.from(token), team);
    }

    @DeleteMapping
    @Operation(summary = "Switch experiment tracking off (team owners, platform admins)",
            description = "Stops the team's tracking server. Its runs, models and artifacts are kept: switching on "
                    + "again shows them. Idempotent.")
    Mono<TrackingStatus> disable(@AuthenticationPrincipal Jwt token, @PathVariable String team) {
        return tracking.disable(CurrentUser.from(token), team);
    }
}
