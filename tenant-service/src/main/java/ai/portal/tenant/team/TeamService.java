package ai.portal.tenant.team;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import ai.portal.platform.security.CurrentUser;
import ai.portal.platform.team.TeamNames;
import ai.portal.platform.team.TeamPermission;
import ai.portal.platform.team.TeamRole;
import ai.portal.tenant.access.TeamAccess;
import ai.portal.tenant.audit.AuditedChanges.AuditedAction;
import ai.portal.tenant.audit.AuditedChanges.Change;
import ai.portal.tenant.audit.AuditedChanges;
import ai.portal.tenant.cluster.ClusterView;
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
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The rules of a team's life. Each change is written to the database together with its audit row, then the
 * reconciler is asked to converge Kubernetes and Keycloak (see {@link AuditedChanges}): the database is the truth,
 * the rest follows it.
 */
@Service
class TeamService {

    private final TeamRepository teams;
    private final TeamAccess access;
    private final UserDirectory users;
    private final AuditedChanges changes;
    private final TeamReconciler reconciler;
    /** Null when the service runs without a cluster ({@code portal.provisioning.enabled=false}): no pods to stop. */
    private final ClusterView cluster;

    TeamService(TeamRepository teams, TeamAccess access, UserDirectory users, AuditedChanges changes,
                TeamReconciler reconciler, ObjectProvider<ClusterView> cluster) {
        this.teams = teams;
        this.access = access;
        this.users = users;
        this.changes = changes;
        this.reconciler = reconciler;
        this.cluster = cluster.getIfAvailable();
    }

    Mono<Team> create(CurrentUser actor, CreateTeam request) {
        String slug = request.slug();
        String description = Objects.requireNonNullElse(request.description(), "");
        return changes.run(new AuditedAction(actor, "team.create", slug, target(slug)),
                        TeamAccess.requireAdmin(actor).then(users.findByUsername(request.owner())
                                .switchIfEmpty(Mono.error(() -> TeamProblems.userNotFound(request.owner(), "owner")))),
                        owner -> teams.insert(slug, request.displayName(), description)
                                .onErrorMap(DuplicateKeyException.class, duplicate -> TeamProblems.teamExists(slug))
                                .then(teams.addMember(slug, new Member(owner.subject(), owner.username(), TeamRole.OWNER)))
                                .then(teams.saveQuota(slug, Quota.DEFAULT))
                                .thenReturn(Change.of(slug, null, Map.of("displayName", request.displayName(),
                                        "description", description, "owner", owner.username(),
                                        "quota", Quota.DEFAULT))))
                .flatMap(created -> view(slug, actor));
    }

    Flux<Team> list(CurrentUser actor) {
        Flux<TeamRecord> rows = actor.isPlatformAdmin() ? teams.findAll() : teams.findForMember(actor.subject());
        return rows.concatMap(row -> toApi(row, actor));
    }

    Mono<Team> get(CurrentUser actor, String slug) {
        return access.require(actor, slug, TeamPermission.VIEW).flatMap(row -> toApi(row, actor));
    }

    Mono<Team> update(CurrentUser actor, String slug, UpdateTeam request) {
        String description = Objects.requireNonNullElse(request.description(), "");
        return changes.run(new AuditedAction(actor, "team.update", slug, target(slug)),
                        access.require(actor, slug, TeamPermission.MANAGE),
                        before -> teams.update(slug, request.displayName(), description)
                                .thenReturn(Change.of(slug,
                                        Map.of("displayName", before.displayName(), "description", before.description()),
                                        Map.of("displayName", request.displayName(), "description", description))))
                .flatMap(updated -> view(slug, actor));
    }

    /** Archived teams keep their namespace and data; the job runner starts nothing new in them. */
    Mono<Team> setArchived(CurrentUser actor, String slug, boolean archived) {
        TeamState target = archived ? TeamState.ARCHIVED : TeamState.ACTIVE;
        return changes.run(new AuditedAction(actor, archived ? "team.archive" : "team.unarchive", slug, target(slug)),
                        access.require(actor, slug, TeamPermission.ADMIN),
                        before -> before.state() == TeamState.DELETING
                                ? Mono.error(TeamProblems.notActive(slug, before.state()))
                                : teams.setState(slug, target).thenReturn(Change.of(slug,
                                        Map.of("state", wire(before.state())), Map.of("state", wire(target)))))
                .flatMap(changed -> view(slug, actor));
    }

    /**
     * Marks the team for deletion; the reconciler removes its namespace and groups, then its rows. Refused while
     * pods still run in the namespace, unless {@code force}.
     */
    Mono<Team> delete(CurrentUser actor, String slug, boolean force) {
        String namespace = TeamNames.namespace(slug);
        return changes.run(new AuditedAction(actor, "team.delete", slug, target(slug)),
                        access.require(actor, slug, TeamPermission.ADMIN)
                                .flatMap(before -> (force || cluster == null ? Mono.just(0L) : cluster.read(() -> cluster.unfinishedPods(namespace)))
                                        .flatMap(active -> active == 0 ? Mono.just(before)
                                                : Mono.error(TeamProblems.conflict("Workloads still running", active
                                                        + " pod(s) still run in " + namespace
                                                        + ". Stop them first, or delete with force=true to stop them.")))),
                        before -> teams.setState(slug, TeamState.DELETING).thenReturn(Change.of(slug,
                                Map.of("state", wire(before.state())), Map.of("state", "deleting", "force", force))))
                .flatMap(marked -> view(slug, actor));
    }

    private Mono<Team> view(String slug, CurrentUser actor) {
        return teams.find(slug).flatMap(row -> toApi(row, actor));
    }

    private Mono<Team> toApi(TeamRecord row, CurrentUser actor) {
        return Mono.zip(reconciler.status(row.slug(), row.state()),
                        access.roleOf(actor, row.slug()).map(TeamRole::wireName).defaultIfEmpty(""))
                .map(parts -> new Team(row.slug(), row.displayName(), row.description(), wire(row.state()),
                        TeamNames.namespace(row.slug()), parts.getT1(), row.createdAt(),
                        parts.getT2().isEmpty() ? null : parts.getT2()));
    }

    private static String target(String slug) {
        return "team/" + slug;
    }

    private static String wire(TeamState state) {
        return state.name().toLowerCase(Locale.ROOT);
    }
}
