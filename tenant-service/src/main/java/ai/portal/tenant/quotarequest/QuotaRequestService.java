package ai.portal.tenant.quotarequest;

import java.util.Map;

import ai.portal.platform.security.CurrentUser;
import ai.portal.platform.team.TeamPermission;
import ai.portal.tenant.access.TeamAccess;
import ai.portal.tenant.audit.AuditEvent.Outcome;
import ai.portal.tenant.audit.AuditLog;
import ai.portal.tenant.quota.QuotaService;
import ai.portal.tenant.quotarequest.QuotaRequestApi.NewRequest;
import ai.portal.tenant.quotarequest.QuotaRequestApi.QuotaRequest;
import ai.portal.tenant.domain.ReconcileTrigger;
import ai.portal.tenant.domain.Quota;
import ai.portal.tenant.domain.TeamProblems;
import ai.portal.tenant.store.TeamRepository;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
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
    private final QuotaService quotas;
    private final TeamAccess access;
    private final AuditLog audit;
    private final TransactionalOperator tx;
    private final ReconcileTrigger reconcile;

    QuotaRequestService(QuotaRequestRepository requests, TeamRepository teams, QuotaService quotas, TeamAccess access,
                        AuditLog audit, TransactionalOperator tx, ReconcileTrigger reconcile) {
        this.requests = requests;
        this.teams = teams;
        this.quotas = quotas;
        this.access = access;
        this.audit = audit;
        this.tx = tx;
        this.reconcile = reconcile;
    }

    Mono<QuotaRequest> create(CurrentUser actor, String slug, NewRequest request) {
        String target = "team/" + slug + "/quota-request";
        Mono<QuotaRequest> useCase = access.require(actor, slug, TeamPermission.EDIT)
                .then(quotas.validate(request.quota()))
                .flatMap(wanted -> requests.insert(slug, actor.subject(), actor.username(), request.reason(), wanted)
                        .flatMap(id -> audit.record(actor, slug, "quota-request.create", target + "/" + id, null,
                                Map.of("requested", wanted, "reason", request.reason()), Outcome.SUCCESS, "")
                                .thenReturn(id))
                        .as(tx::transactional))
                .flatMap(requests::find);
        return audit.onFailure(useCase, actor, slug, "quota-request.create", target);
    }

    Flux<QuotaRequest> forTeam(CurrentUser actor, String slug) {
        return access.require(actor, slug, TeamPermission.VIEW).thenMany(requests.forTeam(slug));
    }

    Flux<QuotaRequest> withStatus(CurrentUser actor, String status) {
        return actor.isPlatformAdmin() ? requests.withStatus(status)
                : Flux.error(TeamProblems.notAllowed("Only platform admins see every team's quota requests."));
    }

    Mono<QuotaRequest> approve(CurrentUser actor, long id, String reason) {
        String target = "quota-request/" + id;
        Mono<QuotaRequest> useCase = pendingForAdmin(actor, id)
                .flatMap(request -> teams.quota(request.team()).defaultIfEmpty(Quota.DEFAULT)
                        .flatMap(before -> decide(id, "approved", actor, reason)
                                .then(quotas.save(actor, request.team(), before, request.requested(),
                                        "quota-request.approve", target, false)))
                        .as(tx::transactional)
                        .doOnSuccess(done -> reconcile.request(request.team())))
                .then(Mono.defer(() -> requests.find(id)));
        return audit.onFailure(useCase, actor, null, "quota-request.approve", target);
    }

    Mono<QuotaRequest> reject(CurrentUser actor, long id, String reason) {
        String target = "quota-request/" + id;
        Mono<QuotaRequest> useCase = (reason == null || reason.isBlank()
                ? Mono.<QuotaRequest>error(TeamProblems.invalid("reason", "Say why the request is rejected."))
                : pendingForAdmin(actor, id))
                .flatMap(request -> decide(id, "rejected", actor, reason)
                        .then(audit.record(actor, request.team(), "quota-request.reject", target, null,
                                Map.of("reason", reason), Outcome.SUCCESS, ""))
                        .as(tx::transactional))
                .then(Mono.defer(() -> requests.find(id)));
        return audit.onFailure(useCase, actor, null, "quota-request.reject", target);
    }

    private Mono<QuotaRequest> pendingForAdmin(CurrentUser actor, long id) {
        if (!actor.isPlatformAdmin()) {
            return Mono.error(TeamProblems.notAllowed("Only platform admins decide quota requests."));
        }
        return requests.find(id)
                .switchIfEmpty(Mono.error(() -> new ai.portal.platform.problem.ApiException(
                        org.springframework.http.HttpStatus.NOT_FOUND, "Quota request not found",
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
}
