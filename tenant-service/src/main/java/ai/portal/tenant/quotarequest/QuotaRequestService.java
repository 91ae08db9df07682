package ai.portal.tenant.quotarequest;

import java.util.Map;

import ai.portal.platform.problem.ApiException;
import ai.portal.platform.security.CurrentUser;
import ai.portal.platform.team.TeamPermission;
import ai.portal.tenant.access.TeamAccess;
import ai.portal.tenant.audit.AuditedChanges.AuditedAction;
import ai.portal.tenant.audit.AuditedChanges.Change;
import ai.portal.tenant.audit.AuditedChanges;
import ai.portal.tenant.domain.Quota;
import ai.portal.tenant.domain.TeamProblems;
import ai.portal.tenant.quota.QuotaRules;
import ai.portal.tenant.quotarequest.QuotaRequestApi.NewRequest;
import ai.portal.tenant.quotarequest.QuotaRequestApi.QuotaRequest;
import ai.portal.tenant.store.TeamRepository;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A member asks for a bigger quota with a reason; a platform admin approves it (the quota becomes the requested
 * one) or rejects it with a reason. Both sides see the history.
 */
@Service
class QuotaRequestService {

    private final QuotaRequestRepository requests;
    private final TeamRepository teams;
    private final QuotaRules rules;
    private final TeamAccess access;
    private final AuditedChanges changes;

    QuotaRequestService(QuotaRequestRepository requests, TeamRepository teams, QuotaRules rules, TeamAccess access,
                        AuditedChanges changes) {
        this.requests = requests;
        this.teams = teams;
        this.rules = rules;
        this.access = access;
        this.changes = changes;
    }

    Mono<QuotaRequest> create(CurrentUser actor, String slug, NewRequest request) {
        String target = "team/" + slug + "/quota-request";
        return changes.run(new AuditedAction(actor, "quota-request.create", slug, target),
                        access.require(actor, slug, TeamPermission.EDIT).then(rules.validate(request.quota())),
                        wanted -> requests.insert(slug, actor.subject(), actor.username(), request.reason(), wanted)
                                .map(id -> Change.recorded(id, null, Map.of("requested", wanted, "reason", request.reason()))
                                        .onTarget(target + "/" + id)))
                .flatMap(requests::find);
    }

    Flux<QuotaRequest> forTeam(CurrentUser actor, String slug) {
        return access.require(actor, slug, TeamPermission.VIEW).thenMany(requests.forTeam(slug));
    }

    Flux<QuotaRequest> withStatus(CurrentUser actor, String status) {
        return actor.isPlatformAdmin() ? requests.withStatus(status)
                : Flux.error(TeamProblems.notAllowed("Only platform admins see every team's quota requests."));
    }

    /** The team's quota becomes the requested one, in the same transaction as the decision. */
    Mono<QuotaRequest> approve(CurrentUser actor, long id, String reason) {
        return changes.run(new AuditedAction(actor, "quota-request.approve", null, target(id)),
                        pendingForAdmin(actor, id),
                        request -> teams.quota(request.team()).defaultIfEmpty(Quota.DEFAULT)
                                .flatMap(before -> decide(id, "approved", actor, reason)
                                        .then(teams.saveQuota(request.team(), request.requested()))
                                        .thenReturn(Change.of(id, before, request.requested()).ofTeam(request.team()))))
                .flatMap(requests::find);
    }

    Mono<QuotaRequest> reject(CurrentUser actor, long id, String reason) {
        return changes.run(new AuditedAction(actor, "quota-request.reject", null, target(id)),
                        reason == null || reason.isBlank()
                                ? Mono.<QuotaRequest>error(TeamProblems.invalid("reason", "Say why the request is rejected."))
                                : pendingForAdmin(actor, id),
                        request -> decide(id, "rejected", actor, reason)
                                .thenReturn(Change.recorded(id, null, Map.of("reason", reason)).ofTeam(request.team())))
                .flatMap(requests::find);
    }

    private Mono<QuotaRequest> pendingForAdmin(CurrentUser actor, long id) {
        if (!actor.isPlatformAdmin()) {
            return Mono.error(TeamProblems.notAllowed("Only platform admins decide quota requests."));
        }
        return requests.find(id)
                .switchIfEmpty(Mono.error(() -> new ApiException(HttpStatus.NOT_FOUND, "Quota request not found",
                        "There is no quota request " + id + ".")))
                .flatMap(request -> "pending".equals(request.status()) ? Mono.just(request)
                        : Mono.error(TeamProblems.conflict("Already decided",
                                "Quota request " + id + " was already " + request.status() + ".")));
    }

    private Mono<Void> decide(long id, String status, CurrentUser actor, String reason) {
        return requests.decide(id, status, actor.username(), reason)
                .flatMap(updated -> updated == 1 ? Mono.<Void>empty()
                        : Mono.error(TeamProblems.conflict("Already decided",
                                "Quota request " + id + " was decided by someone else meanwhile.")));
    }

    private static String target(long id) {
        return "quota-request/" + id;
    }
}
