package ai.portal.jobs.launch;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import ai.portal.platform.audit.AuditEvent.Outcome;
import ai.portal.platform.audit.AuditLog;
import ai.portal.jobs.catalog.CatalogService;
import ai.portal.jobs.launch.LaunchRequests.LaunchNotebook;
import ai.portal.jobs.launch.LaunchRequests.SubmitJob;
import ai.portal.jobs.status.Phase;
import ai.portal.jobs.status.StatusService;
import ai.portal.jobs.status.WorkloadView;
import ai.portal.jobs.workload.Desired;
import ai.portal.jobs.workload.WorkloadApplier;
import ai.portal.jobs.workload.WorkloadApplyException;
import ai.portal.jobs.workload.WorkloadEvent;
import ai.portal.jobs.workload.WorkloadKind;
import ai.portal.jobs.workload.WorkloadRecord;
import ai.portal.jobs.workload.WorkloadRepository;
import ai.portal.jobs.workload.WorkloadSpec;
import ai.portal.platform.me.TeamDirectory;
import ai.portal.platform.me.TeamMembership;
import ai.portal.platform.problem.ApiException;
import ai.portal.platform.security.CurrentUser;
import ai.portal.platform.team.TeamAuthorizer;
import ai.portal.platform.team.TeamPermission;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * The use cases of notebooks and jobs. Each mutation is authorised (members and owners edit, viewers read, another
 * team's member gets "not found or not allowed"), validated and checked before anything is written, then written to
 * the database with its audit row in one transaction, then applied to Kubernetes. A refusal at any step writes an
 * audit row of its own and creates nothing; a Kubernetes refusal after the row was written rolls the row back. When
 * Kubernetes does not answer in time, the objects may exist anyway: the row stays and the reconciler converges it.
 */
@Service
public class LaunchService {

    private static final Logger log = LoggerFactory.getLogger(LaunchService.class);

    /** How long after a stop a start still waits for the last run's quota to be released (see restartVerdict). */
    private static final Duration RECENT_STOP = Duration.ofMinutes(1);
    private static final int RESTART_RECHECKS = 40;
    private static final Duration RESTART_RECHECK_EVERY = Duration.ofMillis(250);

    private final TeamAuthorizer authorizer;
    private final LaunchValidator validator;
    private final CatalogService catalog;
    private final LaunchChecks checks;
    private final WorkloadRepository workloads;
    private final WorkloadApplier applier;
    private final StatusService status;
    private final AuditLog audit;
    private final TransactionalOperator tx;
    private final TeamDirectory directory;

    LaunchService(TeamDirectory directory, TeamAuthorizer authorizer, LaunchLimits limits, SchedulerChoice schedulers, CatalogService catalog, LaunchChecks checks,
                  WorkloadRepository workloads, WorkloadApplier applier, StatusService status, AuditLog audit,
                  TransactionalOperator tx) {
        this.directory = directory;
        this.authorizer = authorizer;
        this.validator = new LaunchValidator(limits, schedulers);
        this.catalog = catalog;
        this.checks = checks;
        this.workloads = workloads;
        this.applier = applier;
        this.status = status;
        this.audit = audit;
        this.tx = tx;
    }

    // --- launch -----------------------------------------------------------------------------------------

    public Mono<WorkloadView> launchNotebook(CurrentUser actor, String team, LaunchNotebook request) {
        Mono<WorkloadView> useCase = prepareNotebook(actor, team, request)
                .flatMap(spec -> create(actor, team, request.name(), WorkloadKind.NOTEBOOK, spec));
        return audit.onFailure(useCase, actor, team, "notebook.create", "notebook/" + request.name());
    }

    /** The checks of a launch without launching: whether it could run and would start now, and why not. */
    public Mono<LaunchCheck> checkNotebook(CurrentUser actor, String team, LaunchNotebook request) {
        return authorizer.require(actor, team, TeamPermission.EDIT)
                .then(Mono.fromCallable(() -> validator.notebook(request)))
                .flatMap(spec -> resolveImage(spec, true))
                .flatMap(spec -> verdict(team, spec, true));
    }

    public Mono<WorkloadView> submitJob(CurrentUser actor, String team, SubmitJob request) {
        Mono<WorkloadView> useCase = authorizer.require(actor, team, TeamPermission.EDIT)
                .then(Mono.fromCallable(() -> validator.job(request)))
                .flatMap(spec -> resolveImage(spec, false))
                .flatMap(spec -> Mono.fromRunnable(() -> checks.requireTeamOpen(team)).thenReturn(spec))
                .flatMap(spec -> verdict(team, spec, false).flatMap(check -> refuseIf(team, check, false))
                        .thenReturn(spec))
                .flatMap(spec -> create(actor, team, request.name(), WorkloadKind.JOB, spec));
        return audit.onFailure(useCase, actor, team, "job.create", "job/" + request.name());
    }

    public Mono<LaunchCheck> checkJob(CurrentUser actor, String team, SubmitJob request) {
        return authorizer.require(actor, team, TeamPermission.EDIT)
                .then(Mono.fromCallable(() -> validator.job(request)))
                .flatMap(spec -> resolveImage(spec, false))
                .flatMap(spec -> verdict(team, spec, false));
    }

    private Mono<WorkloadSpec> prepareNotebook(CurrentUser actor, String team, LaunchNotebook request) {
        return authorizer.require(actor, team, TeamPermission.EDIT)
                .then(Mono.fromCallable(() -> validator.notebook(request)))
                .flatMap(spec -> resolveImage(spec, true))
                .flatMap(spec -> Mono.fromRunnable(() -> checks.requireTeamOpen(team)).thenReturn(spec))
                .flatMap(spec -> verdict(team, spec, true).flatMap(check -> refuseIf(team, check, true))
                        .thenReturn(spec));
    }

    private Mono<WorkloadSpec> resolveImage(WorkloadSpec spec, boolean notebook) {
        return catalog.resolve(spec.image(), notebook).map(image -> new WorkloadSpec(image.reference(),
                image.catalogId(), spec.cpu(), spec.memory(), spec.gpuType(), spec.gpus(), spec.workspaceSize(),
                spec.command(), spec.args(), spec.env(), spec.maxRuntimeSeconds(), spec.retries(), spec.priority(),
                spec.annotations(), spec.schedulerName()));
    }

    private Mono<LaunchCheck> verdict(String team, WorkloadSpec spec, boolean notebook) {
        return (notebook ? workloads.countRunningNotebooks(team) : Mono.just(0L))
                .map(running -> checks.check(team, spec, notebook, running));
    }

    /**
     * Impossible launches are refused (422) whatever the queue's state; then the team's queue must be there
     * (409/503); then a notebook that would not start now is refused too (409).
     */
    private Mono<Void> refuseIf(String team, LaunchCheck check, boolean notebook) {
        if (!check.possible()) {
            return Mono.error(problem(HttpStatus.UNPROCESSABLE_CONTENT, "Cannot run on this cluster", check));
        }
        checks.requireQueue(team);
        if (notebook && !check.startsNow()) {
            return Mono.error(problem(HttpStatus.CONFLICT, "Would not start now", check));
        }
        return Mono.empty();
    }

    private static ApiException problem(HttpStatus status, String title, LaunchCheck check) {
        String detail = check.problems().stream().map(LaunchCheck.Problem::text).collect(Collectors.joining("; "));
        ApiException problem = new ApiException(status, title, detail.isEmpty() ? title : capitalize(detail) + ".");
        if (!check.problems().isEmpty()) {
            problem.withField(check.problems().getFirst().field());
            problem.getBody().setProperty("code", check.problems().getFirst().code());
            problem.getBody().setProperty("problems", check.problems());
        }
        return problem;
    }

    private Mono<WorkloadView> create(CurrentUser actor, String team, String name, WorkloadKind kind,
                                      WorkloadSpec spec) {
        Instant now = Instant.now();
        WorkloadRecord record = new WorkloadRecord(UUID.randomUUID(), team, name, kind, actor.subject(),
                actor.username(), spec, Desired.RUNNING, false, null, now, now, null);
        String action = kind.wireName() + ".create";
        return workloads.insert(record)
                .then(audit.record(actor, team, action, kind.wireName() + "/" + name, null, spec, Outcome.SUCCESS,
                        ""))
                .as(tx::transactional)
                .onErrorMap(DuplicateKeyException.class, duplicate -> new ApiException(HttpStatus.CONFLICT,
                        "Name taken", "Team " + team + " already has a notebook or job named '" + name
                        + "'. Choose another name, or delete that one first.").withField("name"))
                .then(Mono.defer(() -> applier.apply(record)))
                .flatMap(uid -> workloads.setObjectUid(record.id(), uid))
                .onErrorResume(WorkloadApplyException.class, failure -> failure.refused()
                        ? rollBack(record).then(Mono.error(clusterRefusal(failure)))
                        : leftToReconciler(record, failure))
                .then(Mono.defer(() -> workloads.find(record.id())))
                .flatMap(status::view);
    }

    /**
     * Kubernetes gave no answer (or a timeout) while applying: the write may still land. Rolling back now would race
     * it -- the delete finds nothing, the Job appears a moment later without a row, holds the team's quota until the
     * orphan collector removes it, and the caller is told nothing was created. The row stays instead: the reconciler
     * records the object when its informer sees it, or applies it on its next pass if it never came (a job's Job is
     * still created only once).
     */
    private <T> Mono<T> leftToReconciler(WorkloadRecord record, WorkloadApplyException failure) {
        log.warn("applying {} {}/{} got no answer in time ({}); the reconciler completes it", record.kind().wireName(),
                record.team(), record.name(), failure.getMessage());
        return Mono.empty();
    }

    /** Kubernetes refused an object after the row was written: remove what was made and the row. */
    private Mono<Void> rollBack(WorkloadRecord record) {
        return applier.delete(record, true).onErrorResume(failure -> Mono.empty())
                .then(workloads.deleteRow(record.id()));
    }

    private static ApiException clusterRefusal(WorkloadApplyException refused) {
        HttpStatus status = switch (refused.code()) {
            case 403, 422 -> HttpStatus.UNPROCESSABLE_CONTENT;
            case 409 -> HttpStatus.CONFLICT;
            default -> HttpStatus.BAD_GATEWAY;
        };
        return new ApiException(status, "Refused by the cluster", "Kubernetes refused it; nothing was created: "
                + refused.getMessage());
    }

    // --- life cycle -------------------------------------------------------------------------------------

    public Mono<WorkloadView> stopNotebook(CurrentUser actor, String team, String name) {
        Mono<WorkloadView> useCase = editable(actor, team, name, WorkloadKind.NOTEBOOK)
                .flatMap(record -> record.desired() == Desired.STOPPED ? Mono.just(record)
                        : changeDesired(actor, record, Desired.STOPPED, "notebook.stop"))
                // without its team's namespace (the team was deleted) nothing of it runs: stopped is all there is
                .flatMap(record -> checks.teamNamespaceExists(team) ? applier.apply(record).thenReturn(record)
                        : Mono.just(record))
                .flatMap(status::view);
        return audit.onFailure(useCase, actor, team, "notebook.stop", "notebook/" + name);
    }

    /**
     * The idle culler's stop: the same as a user's stop (workspace kept), by the culler rather than a person, with
     * why in the audit row ({@code notebook.stop}, {@code detail}) and in the notebook's history.
     */
    public Mono<WorkloadRecord> stopIdleNotebook(WorkloadRecord notebook, CurrentUser culler, String detail) {
        Mono<WorkloadRecord> useCase = workloads.findLive(notebook.team(), notebook.name())
                .filter(record -> record.id().equals(notebook.id()) && record.desired() == Desired.RUNNING)
                .flatMap(record -> workloads.setDesired(record.id(), Desired.STOPPED)
                        .then(audit.record(culler, record.team(), "notebook.stop", "notebook/" + record.name(),
                                Map.of("desired", record.desired().wireName()),
                                Map.of("desired", Desired.STOPPED.wireName()), Outcome.SUCCESS, detail))
                        .then(workloads.recordEvent(new WorkloadEvent(record.id(), Instant.now(), "idle-stop",
                                null, "idle", detail, "idle-stop:" + Instant.now())))
                        .as(tx::transactional)
                        .then(Mono.defer(() -> workloads.find(record.id()))))
                .flatMap(record -> applier.apply(record).thenReturn(record));
        return audit.onFailure(useCase, culler, notebook.team(), "notebook.stop", "notebook/" + notebook.name());
    }

    public Mono<WorkloadView> startNotebook(CurrentUser actor, String team, String name) {
        Mono<WorkloadView> useCase = editable(actor, team, name, WorkloadKind.NOTEBOOK)
                .flatMap(record -> {
                    if (!checks.teamNamespaceExists(team)) {
                        // the team was deleted (or is not provisioned yet): nothing can run there; 409, not a 502
                        return Mono.error(new ApiException(HttpStatus.CONFLICT, "Team has no namespace",
                                "Team " + team + " has no namespace on the cluster (deleted, or not provisioned "
                                        + "yet): its notebooks cannot run."));
                    }
                    if (record.desired() == Desired.RUNNING) {
                        return Mono.just(record);
                    }
                    checks.requireTeamOpen(team);
                    return restartVerdict(team, record)
                            .flatMap(check -> refuseIf(team, check, true))
                            .then(changeDesired(actor, record, Desired.RUNNING, "notebook.start"));
                })
                // a new StatefulSet: its uid is this run's, the one the status follows
                .flatMap(record -> applier.apply(record)
                        .flatMap(uid -> workloads.replaceObjectUid(record.id(), uid))
                        .onErrorResume(WorkloadApplyException.class, failure -> failure.refused()
                                ? Mono.error(clusterRefusal(failure)) : leftToReconciler(record, failure))
                        .thenReturn(record))
                .flatMap(status::view);
        return audit.onFailure(useCase, actor, team, "notebook.start", "notebook/" + name);
    }

    /**
     * A notebook's CPU and memory changed (the right-sizing recommendation, applied on a click): validated as a
     * launch is, audited ({@code notebook.resize}, before and after), and, when it runs, restarted with the new size
     * (its workspace is kept): stopped, then started once the team's quota has room for it again. A restart the quota
     * or the cluster refuses leaves it stopped at its new size, and the error says why.
     */
    public Mono<WorkloadView> resizeNotebook(CurrentUser actor, String team, String name,
                                             LaunchRequests.Resize request) {
        Mono<WorkloadView> useCase = editable(actor, team, name, WorkloadKind.NOTEBOOK)
                .flatMap(record -> Mono.fromCallable(() -> validator.resized(record.spec(), request))
                        .flatMap(spec -> {
                            boolean running = record.desired() == Desired.RUNNING;
                            Mono<WorkloadRecord> resized = workloads.setSpec(record.id(), spec)
                                    .then(running ? workloads.setDesired(record.id(), Desired.STOPPED) : Mono.empty())
                                    .then(audit.record(actor, team, "notebook.resize", "notebook/" + name,
                                            Map.of("cpu", record.spec().cpu(), "memory", record.spec().memory()),
                                            Map.of("cpu", spec.cpu(), "memory", spec.memory()), Outcome.SUCCESS,
                                            running ? "restarted with the new size" : ""))
                                    .as(tx::transactional)
                                    .then(Mono.defer(() -> workloads.find(record.id())));
                            return resized.flatMap(stopped -> applier.apply(stopped).thenReturn(stopped))
                                    .flatMap(stopped -> running ? restart(actor, team, stopped) : Mono.just(stopped));
                        }))
                .flatMap(status::view);
        return audit.onFailure(useCase, actor, team, "notebook.resize", "notebook/" + name);
    }

    private Mono<WorkloadRecord> restart(CurrentUser actor, String team, WorkloadRecord stopped) {
        return restartVerdict(team, stopped)
                .flatMap(check -> refuseIf(team, check, true))
                .then(changeDesired(actor, stopped, Desired.RUNNING, "notebook.start"))
                .flatMap(record -> applier.apply(record)
                        .flatMap(uid -> workloads.replaceObjectUid(record.id(), uid))
                        .thenReturn(record));
    }

    /**
     * The verdict on starting a stopped notebook. Right after a stop, the quota controller and Kueue still count the
     * notebook's last run for a moment after its pod is gone; a start then re-checks for a few seconds rather than
     * refusing the notebook because of itself.
     */
    private Mono<LaunchCheck> restartVerdict(String team, WorkloadRecord notebook) {
        Mono<LaunchCheck> once = Mono.defer(() -> verdict(team, notebook.spec(), true));
        boolean justStopped = notebook.updatedAt() != null
                && notebook.updatedAt().isAfter(Instant.now().minus(RECENT_STOP));
        if (!justStopped) {
            return once;
        }
        return once.filter(check -> check.startsNow() || !check.possible())
                .repeatWhenEmpty(attempts -> attempts.take(RESTART_RECHECKS).delayElements(RESTART_RECHECK_EVERY))
                .switchIfEmpty(once);
    }

    public Mono<WorkloadView> cancelJob(CurrentUser actor, String team, String name) {
        Mono<WorkloadView> useCase = editable(actor, team, name, WorkloadKind.JOB)
                .flatMap(record -> record.desired() == Desired.CANCELLED ? Mono.just(record)
                        : status.status(record).flatMap(current -> current.phase() == Phase.SUCCEEDED
                                || current.phase() == Phase.FAILED
                                ? Mono.error(new ApiException(HttpStatus.CONFLICT, "Already finished",
                                "Job " + name + " already " + current.phase().wireName().toLowerCase()
                                        + "; there is nothing to cancel."))
                                : changeDesired(actor, record, Desired.CANCELLED, "job.cancel")
                                .flatMap(changed -> workloads.recordEvent(new WorkloadEvent(changed.id(),
                                        Instant.now(), "phase", Phase.CANCELLED.wireName(), "cancelled",
                                        "cancelled by " + actor.username(), "phase:Cancelled"))
                                        .thenReturn(changed))))
                .flatMap(record -> applier.delete(record, false).thenReturn(record))
                .flatMap(status::view);
        return audit.onFailure(useCase, actor, team, "job.cancel", "job/" + name);
    }

    /** Deletes a notebook or job; a notebook's workspace only when asked. */
    public Mono<Void> delete(CurrentUser actor, String team, String name, WorkloadKind kind, boolean deleteWorkspace) {
        String action = kind.wireName() + ".delete";
        Mono<Void> useCase = editable(actor, team, name, kind)
                .flatMap(record -> workloads.markDeleted(record.id(), deleteWorkspace && record.notebook())
                        .then(audit.record(actor, team, action, kind.wireName() + "/" + name,
                                Map.of("desired", record.desired().wireName()),
                                Map.of("desired", "deleted", "deleteWorkspace", deleteWorkspace && record.notebook()),
                                Outcome.SUCCESS, ""))
                        .as(tx::transactional)
                        .then(applier.delete(record, deleteWorkspace && record.notebook())));
        return audit.onFailure(useCase, actor, team, action, kind.wireName() + "/" + name);
    }

    private Mono<WorkloadRecord> changeDesired(CurrentUser actor, WorkloadRecord record, Desired desired,
                                               String action) {
        return workloads.setDesired(record.id(), desired)
                .then(audit.record(actor, record.team(), action, record.kind().wireName() + "/" + record.name(),
                        Map.of("desired", record.desired().wireName()), Map.of("desired", desired.wireName()),
                        Outcome.SUCCESS, ""))
                .as(tx::transactional)
                .then(Mono.defer(() -> workloads.find(record.id())));
    }

    private Mono<WorkloadRecord> editable(CurrentUser actor, String team, String name, WorkloadKind kind) {
        return authorizer.require(actor, team, TeamPermission.EDIT).then(find(team, name, kind));
    }

    private Mono<WorkloadRecord> find(String team, String name, WorkloadKind kind) {
        return workloads.findLive(team, name)
                .filter(record -> kind == null || record.kind() == kind)
                .switchIfEmpty(Mono.error(() -> new ApiException(HttpStatus.NOT_FOUND,
                        (kind == null ? "Workload" : kind == WorkloadKind.JOB ? "Job" : "Notebook") + " not found",
                        "Team " + team + " has no " + (kind == null ? "notebook or job" : kind.wireName())
                                + " named '" + abbreviate(name) + "'.")));
    }

    // --- reads ------------------------------------------------------------------------------------------

    public Mono<List<WorkloadView>> list(CurrentUser actor, String team, WorkloadKind kind) {
        return authorizer.require(actor, team, TeamPermission.VIEW)
                .then(status.teamViews(team, record -> kind == null || record.kind() == kind));
    }

    public Mono<WorkloadView> get(CurrentUser actor, String team, String name, WorkloadKind kind) {
        return authorizer.require(actor, team, TeamPermission.VIEW).then(find(team, name, kind))
                .flatMap(status::view);
    }

    /** One workload with its status, its recorded history (timeline and queue decisions) and its events. */
    public Mono<WorkloadDetail> detail(CurrentUser actor, String team, String name) {
        return authorizer.require(actor, team, TeamPermission.VIEW).then(find(team, name, null))
                .flatMap(record -> Mono.zip(status.view(record), workloads.events(record.id()).collectList(),
                                status.peakUsage(record))
                        .map(parts -> new WorkloadDetail(parts.getT1(),
                                parts.getT2().stream().map(WorkloadDetail.HistoryEntry::of).toList(),
                                status.kubernetesEvents(record), status.rightSizing(record),
                                parts.getT3().orElse(null))));
    }

    /** The caller's own live workloads in every team they are in, with status. */
    public Mono<List<WorkloadView>> mine(CurrentUser caller) {
        return directory.teamsOf(caller).map(TeamMembership::slug).distinct()
                .concatMap(team -> status.teamViews(team, record -> record.ownerSubject().equals(caller.subject())))
                .concatMapIterable(views -> views)
                .collectList();
    }

    public Mono<TeamCapacity> capacity(CurrentUser actor, String team) {
        return authorizer.require(actor, team, TeamPermission.VIEW)
                .then(workloads.countRunningNotebooks(team))
                .map(running -> checks.capacity(team, running));
    }

    private static String abbreviate(String text) {
        String printable = text == null ? "" : text.codePoints().filter(c -> !Character.isISOControl(c))
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return printable.length() > 40 ? printable.substring(0, 40) + "…" : printable;
    }

    private static String capitalize(String text) {
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
}
