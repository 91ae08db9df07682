package ai.portal.tenant.accessrequest;

import java.util.LinkedHashMap;
import java.util.Map;

import ai.portal.platform.problem.ApiException;
import ai.portal.platform.security.CurrentUser;
import ai.portal.platform.security.PortalRoles;
import ai.portal.platform.team.TeamRole;
import ai.portal.tenant.access.TeamAccess;
import ai.portal.tenant.accessrequest.AccessRequestApi.AccessRequest;
import ai.portal.tenant.accessrequest.AccessRequestApi.Approval;
import ai.portal.tenant.accessrequest.AccessRequestApi.NewAccessRequest;
import ai.portal.tenant.accessrequest.AccessRequestRepository.Stored;
import ai.portal.tenant.audit.AuditedChanges;
import ai.portal.tenant.audit.AuditedChanges.AuditedAction;
import ai.portal.tenant.audit.AuditedChanges.Change;
import ai.portal.tenant.domain.Member;
import ai.portal.tenant.domain.TeamProblems;
import ai.portal.tenant.domain.TeamState;
import ai.portal.tenant.store.TeamRepository;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Letting people in. Anyone signed in may ask (once at a time); a platform admin grants the {@code data-scientist}
 * realm role and/or adds them to a team, or refuses with a reason the requester reads. The role is granted in
 * Keycloak before anything is written: granting it is idempotent, so an approval that failed afterwards is simply
 * repeated; the decision and the membership are written in one transaction with their audit row, and the team's
 * groups and bindings follow through the reconciler.
 */
@Service
class AccessRequestService {

    private final AccessRequestRepository requests;
    private final TeamRepository teams;
    private final RealmRoles roles;
    private final AuditedChanges changes;

    AccessRequestService(AccessRequestRepository requests, TeamRepository teams, RealmRoles roles,
                         AuditedChanges changes) {
        this.requests = requests;
        this.teams = teams;
        this.roles = roles;
        this.changes = changes;
    }

    Mono<AccessRequest> create(CurrentUser actor, NewAccessRequest request) {
        String target = "access-request";
        boolean hasAccess = actor.roles().contains(PortalRoles.DATA_SCIENTIST) || actor.isPlatformAdmin();
        Mono<Void> allowed = hasAccess && request.team() == null
                ? Mono.error(TeamProblems.conflict("Access already granted",
                "You can already use the portal; to join a team, name it or ask one of its owners."))
                : Mono.empty();
        Map<String, Object> after = new LinkedHashMap<>();
        after.put("reason", request.reason());
        after.put("team", request.team());
        return changes.run(new AuditedAction(actor, "access-request.create", null, target), allowed,
                        ignored -> requests.insert(actor, request.reason().strip(), request.team())
                                .onErrorMap(DuplicateKeyException.class, twice -> TeamProblems.conflict(
                                        "Already asked", "Your earlier request is still waiting for an admin."))
                                .map(id -> Change.recorded(id, null, after).onTarget(target + "/" + id)))
                .flatMap(requests::find)
                .map(Stored::api);
    }

    Flux<AccessRequest> mine(CurrentUser actor) {
        return requests.of(actor.subject());
    }

    Mono<AccessRequest> withdraw(CurrentUser actor, long id) {
        return changes.run(new AuditedAction(actor, "access-request.withdraw", null, target(id)),
                        requests.find(id)
                                .filter(found -> found.subject().equals(actor.subject()))
                                .switchIfEmpty(Mono.error(() -> notFound(id))),
                        found -> requests.close(id, "withdrawn", actor.username(), "")
                                .flatMap(updated -> updated == 1 ? Mono.just(Change.recorded(id, null, null))
                                        : Mono.error(decided(id))))
                .flatMap(requests::find)
                .map(Stored::api);
    }

    static final java.util.List<String> STATUSES = java.util.List.of("pending", "approved", "rejected", "withdrawn");

    Flux<AccessRequest> withStatus(CurrentUser actor, String status) {
        return TeamAccess.requireAdmin(actor)
                .then(STATUSES.contains(status) ? Mono.<Void>empty() : Mono.error(TeamProblems.invalid("status",
                        "The status is one of " + String.join(", ", STATUSES) + ".")))
                .thenMany(requests.withStatus(status));
    }

    /** What an approval does, worked out before anything is written. */
    private record Grant(Stored request, String role, String team, TeamRole teamRole) {
    }

    Mono<AccessRequest> approve(CurrentUser actor, long id, Approval approval) {
        return changes.run(new AuditedAction(actor, "access-request.approve", null, target(id)),
                        TeamAccess.requireAdmin(actor)
                                .then(pending(id))
                                .flatMap(request -> grantFor(request, approval))
                                .flatMap(grant -> (grant.role() == null ? Mono.<Void>empty()
                                        : roles.grant(grant.request().subject(), grant.role())).thenReturn(grant)),
                        grant -> requests.approve(id, actor.username(), approval == null ? null : approval.reason(),
                                        grant.role(), grant.team(), grant.teamRole() == null ? null
                                                : grant.teamRole().wireName())
                                .flatMap(updated -> updated == 1 ? Mono.<Void>empty() : Mono.error(decided(id)))
                                .then(join(grant))
                                .thenReturn(audited(id, grant)))
                .flatMap(requests::find)
                .map(Stored::api);
    }

    Mono<AccessRequest> reject(CurrentUser actor, long id, String reason) {
        return changes.run(new AuditedAction(actor, "access-request.reject", null, target(id)),
                        TeamAccess.requireAdmin(actor).then(pending(id)),
                        request -> requests.close(id, "rejected", actor.username(), reason.strip())
                                .flatMap(updated -> updated == 1
                                        ? Mono.just(Change.recorded(id, null, Map.of("reason", reason.strip())))
                                        : Mono.error(decided(id))))
                .flatMap(requests::find)
                .map(Stored::api);
    }

    /** The role (unless declined) and the team (asked for, or the admin's choice), checked against the teams. */
    private Mono<Grant> grantFor(Stored request, Approval approval) {
        boolean role = approval == null || approval.grantRole() == null || approval.grantRole();
        String team = approval != null && approval.team() != null ? approval.team() : request.api().team();
        TeamRole teamRole = approval != null && approval.teamRole() != null ? TeamRole.fromWire(approval.teamRole())
                : TeamRole.MEMBER;
        if (!role && team == null) {
            return Mono.error(TeamProblems.invalid("grantRole",
                    "An approval grants the data-scientist role, a team, or both."));
        }
        if (team == null) {
            return Mono.just(new Grant(request, PortalRoles.DATA_SCIENTIST, null, null));
        }
        return teams.find(team)
                .switchIfEmpty(Mono.error(() -> TeamProblems.invalid("team", "There is no team " + team
                        + "; choose an existing team or approve without one.")))
                .flatMap(found -> found.state() == TeamState.ACTIVE ? Mono.just(found)
                        : Mono.error(TeamProblems.notActive(team, found.state())))
                .thenReturn(new Grant(request, role ? PortalRoles.DATA_SCIENTIST : null, team, teamRole));
    }

    /** Adds the requester to the team, unless they are in it already (their role there stays as it is). */
    private Mono<Void> join(Grant grant) {
        if (grant.team() == null) {
            return Mono.empty();
        }
        String subject = grant.request().subject();
        return teams.roleOf(grant.team(), subject)
                .hasElement()
                .flatMap(already -> already ? Mono.empty()
                        : teams.addMember(grant.team(), new Member(subject, grant.request().api().username(),
                        grant.teamRole())));
    }

    private static Change<Long> audited(long id, Grant grant) {
        Map<String, Object> after = new LinkedHashMap<>();
        after.put("username", grant.request().api().username());
        after.put("role", grant.role());
        after.put("team", grant.team());
        after.put("teamRole", grant.teamRole() == null ? null : grant.teamRole().wireName());
        // a membership changes the team's groups and bindings: the team is reconciled; a role alone changes nothing
        return grant.team() == null ? Change.recorded(id, null, after)
                : Change.of(id, null, after).ofTeam(grant.team());
    }

    private Mono<Stored> pending(long id) {
        return requests.find(id)
                .switchIfEmpty(Mono.error(() -> notFound(id)))
                .flatMap(request -> "pending".equals(request.api().status()) ? Mono.just(request)
                        : Mono.error(TeamProblems.conflict("Already decided", "Access request " + id + " is "
                        + request.api().status() + ".")));
    }

    private static ApiException notFound(long id) {
        return new ApiException(HttpStatus.NOT_FOUND, "Access request not found", "There is no access request " + id
                + " of yours.");
    }

    private static ApiException decided(long id) {
        return TeamProblems.conflict("Already decided", "Access request " + id + " was decided meanwhile.");
    }

    private static String target(long id) {
        return "access-request/" + id;
    }
}
