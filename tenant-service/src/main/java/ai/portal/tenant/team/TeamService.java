package ai.portal.tenant.team;

import java.util.Map;

import ai.portal.platform.security.CurrentUser;
import ai.portal.platform.team.TeamNames;
import ai.portal.platform.team.TeamPermission;
import ai.portal.platform.team.TeamRole;
import ai.portal.tenant.access.TeamAccess;
import ai.portal.tenant.audit.AuditEvent.Outcome;
import ai.portal.tenant.audit.AuditLog;
import ai.portal.tenant.domain.Member;
import ai.portal.tenant.domain.Quota;
import ai.portal.tenant.domain.TeamProblems;
import ai.portal.tenant.domain.TeamRecord;
import ai.portal.tenant.domain.TeamState;
import ai.portal.tenant.identity.UserDirectory;
import ai.portal.tenant.store.TeamRepository;
import ai.portal.tenant.sync.TeamReconciler;
import ai.portal.tenant.team.TeamApi.CreateTeam;
import ai.portal.tenant.team.TeamApi.Team;
import ai.portal.tenant.team.TeamApi.UpdateTeam;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The rules of a team's life. Each change is written to the database together with its audit row, then the
 * reconciler is asked to converge Kubernetes and Keycloak: the database is the truth, the rest follows it.
 */
@Service
public class TeamService {

    private final TeamRepository teams;
    private final TeamAccess access;
    private final UserDirectory users;
    private final AuditLog audit;
    private final TransactionalOperator tx;
    private final TeamReconciler reconciler;
    private final WorkloadProbe workloads;

    TeamService(TeamRepository teams, TeamAccess access, UserDirectory users, AuditLog audit, TransactionalOperator tx,
                TeamReconciler reconciler, WorkloadProbe workloads) {
        this.teams = teams;
        this.access = access;
        this.users = users;
        this.audit = audit;
        this.tx = tx;
        this.reconciler = reconciler;
        this.workloads = workloads;
    }

    public Mono<Team> create(CurrentUser actor, CreateTeam request) {
        String slug = request.slug();
        String description = request.description() == null ? "" : request.description();
        Mono<Team> useCase = TeamAccess.requireAdmin(actor)
                .then(users.findByUsername(request.owner())
                        .switchIfEmpty(Mono.error(() -> TeamProblems.userNotFound(request.owner(), "owner"))))
                .flatMap(owner -> teams.insert(slug, request.displayName(), description)
                        .then(teams.addMember(slug, new Member(owner.subject(), owner.username(), TeamRole.OWNER)))
                        .then(teams.saveQuota(slug, Quota.DEFAULT))
                        .then(audit.record(actor, slug, "team.create", "team/" + slug, null,
                                Map.of("displayName", request.displayName(), "description", description,
                                        "owner", owner.username(), "quota", Quota.DEFAULT),
                                Outcome.SUCCESS, ""))
                        .as(tx::transactional))
                .onErrorMap(DuplicateKeyException.class, duplicate -> TeamProblems.teamExists(slug))
                .doOnSuccess(done -> reconciler.request(slug))
                .then(teams.find(slug))
                .flatMap(row -> toApi(row, actor));
        return audit.onFailure(useCase, actor, slug, "team.create", "team/" + slug);
    }

    public Flux<Team> list(CurrentUser actor) {
        Flux<TeamRecord> rows = actor.isPlatformAdmin() ? teams.findAll() : teams.findForMember(actor.subject());
        return rows.concatMap(row -> toApi(row, actor));
    }

    public Mono<Team> get(CurrentUser actor, String slug) {
        return access.require(actor, slug, TeamPermission.VIEW).flatMap(row -> toApi(row, actor));
    }

    public Mono<Team> update(CurrentUser actor, String slug, UpdateTeam request) {
        String description = request.description() == null ? "" : request.description();
        Mono<Team> useCase = access.require(actor, slug, TeamPermission.MANAGE)
                .flatMap(before -> teams.update(slug, request.displayName(), description)
                        .then(audit.record(actor, slug, "team.update", "team/" + slug,
                                Map.of("displayName", before.displayName(), "description", before.description()),
                                Map.of("displayName", request.displayName(), "description", description),
                                Outcome.SUCCESS, ""))
                        .as(tx::transactional))
                .doOnSuccess(done -> reconciler.request(slug))
                .then(Mono.defer(() -> teams.find(slug)))
                .flatMap(row -> toApi(row, actor));
        return audit.onFailure(useCase, actor, slug, "team.update", "team/" + slug);
    }

    /** Archived teams keep their namespace and data; the job runner starts nothing new in them. */
    public Mono<Team> setArchived(CurrentUser actor, String slug, boolean archived) {
        String action = archived ? "team.archive" : "team.unarchive";
        TeamState target = archived ? TeamState.ARCHIVED : TeamState.ACTIVE;
        Mono<Team> useCase = access.require(actor, slug, TeamPermission.ADMIN)
                .flatMap(before -> {
                    if (before.state() == TeamState.DELETING) {
                        return Mono.error(TeamProblems.notActive(slug, before.state()));
                    }
                    return teams.setState(slug, target)
                            .then(audit.record(actor, slug, action, "team/" + slug, Map.of("state", wire(before.state())),
                                    Map.of("state", wire(target)), Outcome.SUCCESS, ""))
                            .as(tx::transactional);
                })
                .doOnSuccess(done -> reconciler.request(slug))
                .then(Mono.defer(() -> teams.find(slug)))
                .flatMap(row -> toApi(row, actor));
        return audit.onFailure(useCase, actor, slug, action, "team/" + slug);
    }

    /**
     * Marks the team for deletion; the reconciler removes its namespace and groups, then its rows. Refused while
     * pods still run in the namespace, unless {@code force}.
     */
    public Mono<Team> delete(CurrentUser actor, String slug, boolean force) {
        Mono<Team> useCase = access.require(actor, slug, TeamPermission.ADMIN)
                .flatMap(before -> (force ? Mono.just(0L) : workloads.activePods(TeamNames.namespace(slug)))
                        .flatMap(active -> active > 0
                                ? Mono.error(TeamProblems.conflict("Workloads still running",
                                        active + " pod(s) still run in " + TeamNames.namespace(slug)
                                                + ". Stop them first, or delete with force=true to stop them."))
                                : teams.setState(slug, TeamState.DELETING)
                                        .then(audit.record(actor, slug, "team.delete", "team/" + slug,
                                                Map.of("state", wire(before.state())),
                                                Map.of("state", "deleting", "force", force), Outcome.SUCCESS, ""))
                                        .as(tx::transactional)))
                .doOnSuccess(done -> reconciler.request(slug))
                .then(Mono.defer(() -> teams.find(slug)))
                .flatMap(row -> toApi(row, actor));
        return audit.onFailure(useCase, actor, slug, "team.delete", "team/" + slug);
    }

    Mono<Team> toApi(TeamRecord row, CurrentUser actor) {
        return Mono.zip(reconciler.status(row.slug(), row.state()),
                        access.roleOf(actor, row.slug()).map(TeamRole::wireName).defaultIfEmpty(""))
                .map(parts -> new Team(row.slug(), row.displayName(), row.description(), wire(row.state()),
                        TeamNames.namespace(row.slug()), parts.getT1(), row.createdAt(),
                        parts.getT2().isEmpty() ? null : parts.getT2()));
    }


    private static String wire(TeamState state) {
        return state.name().toLowerCase(java.util.Locale.ROOT);
    }
}
