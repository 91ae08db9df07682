package ai.portal.tenant.membership;

import java.util.Map;

import ai.portal.platform.security.CurrentUser;
import ai.portal.platform.team.TeamPermission;
import ai.portal.tenant.access.TeamAccess;
import ai.portal.tenant.audit.AuditEvent.Outcome;
import ai.portal.tenant.audit.AuditLog;
import ai.portal.tenant.identity.UserDirectory;
import ai.portal.tenant.domain.ReconcileTrigger;
import ai.portal.tenant.domain.Member;
import ai.portal.tenant.domain.TeamProblems;
import ai.portal.tenant.store.TeamRepository;
import ai.portal.platform.team.TeamRole;
import ai.portal.tenant.domain.TeamState;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Who is in a team. Owners and platform admins manage members; a team always keeps at least one owner; a user must
 * exist in Keycloak before they can be added. Keycloak groups and Kubernetes bindings follow through the reconciler.
 */
@Service
class MembershipService {

    private final TeamRepository teams;
    private final TeamAccess access;
    private final UserDirectory users;
    private final AuditLog audit;
    private final TransactionalOperator tx;
    private final ReconcileTrigger reconcile;

    MembershipService(TeamRepository teams, TeamAccess access, UserDirectory users, AuditLog audit,
                      TransactionalOperator tx, ReconcileTrigger reconcile) {
        this.teams = teams;
        this.access = access;
        this.users = users;
        this.audit = audit;
        this.tx = tx;
        this.reconcile = reconcile;
    }

    Flux<Member> list(CurrentUser actor, String slug) {
        return access.require(actor, slug, TeamPermission.VIEW).thenMany(teams.members(slug));
    }

    Mono<Member> add(CurrentUser actor, String slug, String username, TeamRole role) {
        String target = "team/" + slug + "/member/" + username;
        Mono<Member> useCase = access.require(actor, slug, TeamPermission.MANAGE)
                .flatMap(team -> team.state() == TeamState.ACTIVE ? Mono.just(team)
                        : Mono.error(TeamProblems.notActive(slug, team.state())))
                .then(users.findByUsername(username)
                        .switchIfEmpty(Mono.error(() -> TeamProblems.userNotFound(username, "username"))))
                .flatMap(user -> teams.roleOf(slug, user.subject())
                        .flatMap(existing -> Mono.<Member>error(TeamProblems.alreadyMember(slug, user.username())))
                        .switchIfEmpty(Mono.defer(() -> {
                            Member member = new Member(user.subject(), user.username(), role);
                            return teams.addMember(slug, member)
                                    .then(audit.record(actor, slug, "member.add", target, null,
                                            Map.of("username", member.username(), "role", role.wireName()),
                                            Outcome.SUCCESS, ""))
                                    .as(tx::transactional)
                                    .thenReturn(member);
                        })))
                .doOnSuccess(done -> reconcile.request(slug));
        return audit.onFailure(useCase, actor, slug, "member.add", target);
    }

    Mono<Member> changeRole(CurrentUser actor, String slug, String username, TeamRole role) {
        String target = "team/" + slug + "/member/" + username;
        Mono<Member> useCase = access.require(actor, slug, TeamPermission.MANAGE)
                .then(member(slug, username))
                .flatMap(before -> keepsAnOwner(slug, before, role)
                        .then(teams.changeRole(slug, before.subject(), role))
                        .then(audit.record(actor, slug, "member.role", target, Map.of("role", before.role().wireName()),
                                Map.of("role", role.wireName()), Outcome.SUCCESS, ""))
                        .as(tx::transactional)
                        .thenReturn(new Member(before.subject(), before.username(), role)))
                .doOnSuccess(done -> reconcile.request(slug));
        return audit.onFailure(useCase, actor, slug, "member.role", target);
    }

    Mono<Void> remove(CurrentUser actor, String slug, String username) {
        String target = "team/" + slug + "/member/" + username;
        Mono<Void> useCase = access.require(actor, slug, TeamPermission.MANAGE)
                .then(member(slug, username))
                .flatMap(before -> keepsAnOwner(slug, before, null)
                        .then(teams.removeMember(slug, before.subject()))
                        .then(audit.record(actor, slug, "member.remove", target,
                                Map.of("username", before.username(), "role", before.role().wireName()), null,
                                Outcome.SUCCESS, ""))
                        .as(tx::transactional))
                .doOnSuccess(done -> reconcile.request(slug));
        return audit.onFailure(useCase, actor, slug, "member.remove", target);
    }

    private Mono<Member> member(String slug, String username) {
        return teams.members(slug).filter(member -> member.username().equals(username)).next()
                .switchIfEmpty(Mono.error(() -> TeamProblems.memberNotFound(slug, username)));
    }

    /** Refuses a change that would leave the team without an owner ({@code newRole} null: removal). */
    private Mono<Void> keepsAnOwner(String slug, Member before, TeamRole newRole) {
        if (before.role() != TeamRole.OWNER || newRole == TeamRole.OWNER) {
            return Mono.empty();
        }
        return teams.members(slug).filter(member -> member.role() == TeamRole.OWNER).count()
                .flatMap(owners -> owners <= 1 ? Mono.error(TeamProblems.lastOwner(slug)) : Mono.empty());
    }
}
