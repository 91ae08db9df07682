package ai.portal.jobs.culling;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import ai.portal.jobs.launch.LaunchService;
import ai.portal.jobs.settings.TeamIdleLimitsService;
import ai.portal.jobs.status.WorkloadView;
import ai.portal.jobs.workload.Desired;
import ai.portal.jobs.workload.NotebookMarks;
import ai.portal.jobs.workload.WorkloadKind;
import ai.portal.jobs.workload.WorkloadNames;
import ai.portal.jobs.workload.WorkloadRepository;
import ai.portal.platform.audit.AuditEvent.Outcome;
import ai.portal.platform.audit.AuditLog;
import ai.portal.platform.problem.ApiException;
import ai.portal.platform.security.CurrentUser;
import ai.portal.platform.team.TeamAuthorizer;
import ai.portal.platform.team.TeamPermission;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * A user keeps their running notebook from being stopped for idleness until a time they choose, at most the
 * platform's {@code maxIdleExtensionSeconds} from now. Owners and members of the team may (viewers may not); every
 * extension and every refusal is audited ({@code notebook.extend-idle}).
 */
@Service
class IdleExtensions {

    private final TeamAuthorizer authorizer;
    private final WorkloadRepository workloads;
    private final TeamIdleLimitsService settings;
    private final NotebookMarks marks;
    private final LaunchService launches;
    private final AuditLog audit;

    IdleExtensions(TeamAuthorizer authorizer, WorkloadRepository workloads, TeamIdleLimitsService settings,
                   NotebookMarks marks, LaunchService launches, AuditLog audit) {
        this.authorizer = authorizer;
        this.workloads = workloads;
        this.settings = settings;
        this.marks = marks;
        this.launches = launches;
        this.audit = audit;
    }

    Mono<WorkloadView> extend(CurrentUser actor, String team, String name, Long seconds) {
        String target = "notebook/" + name;
        Mono<WorkloadView> useCase = authorizer.require(actor, team, TeamPermission.EDIT)
                .then(workloads.findLive(team, name))
                .filter(record -> record.kind() == WorkloadKind.NOTEBOOK)
                .switchIfEmpty(Mono.error(() -> new ApiException(HttpStatus.NOT_FOUND, "Notebook not found",
                        "Team " + team + " has no notebook named '" + name + "'.")))
                .zipWith(settings.limits(team))
                .flatMap(found -> {
                    var notebook = found.getT1();
                    Duration bound = found.getT2().maxExtension();
                    if (seconds == null || seconds <= 0 || seconds > bound.toSeconds()) {
                        return Mono.error(new ApiException(HttpStatus.BAD_REQUEST, "Invalid extension",
                                "Keep it for between 1 second and " + IdleCuller.words(bound) + " ("
                                        + bound.toSeconds() + " seconds), the longest team " + team + " may keep a notebook.")
                                .withField("seconds"));
                    }
                    if (notebook.desired() != Desired.RUNNING) {
                        return Mono.error(new ApiException(HttpStatus.CONFLICT, "Not running",
                                "Notebook " + name + " is stopped; start it first."));
                    }
                    Instant keepUntil = Instant.now().plusSeconds(seconds);
                    return marks.annotate(notebook, NotebookMarks.EXTENSION,
                                    Map.of(WorkloadNames.IDLE_KEEP_UNTIL_ANNOTATION, keepUntil.toString()))
                            .then(audit.record(actor, team, "notebook.extend-idle", target, null,
                                    Map.of("keepUntil", keepUntil.toString()), Outcome.SUCCESS,
                                    "kept from idle culling until " + keepUntil));
                })
                .then(Mono.defer(() -> launches.get(actor, team, name, WorkloadKind.NOTEBOOK)));
        return audit.onFailure(useCase, actor, team, "notebook.extend-idle", target);
    }
}
