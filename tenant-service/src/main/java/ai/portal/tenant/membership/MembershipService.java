package ai.portal.tenant.membership;

import java.util.Map;

import ai.portal.platform.security.CurrentUser;
import ai.portal.platform.team.TeamPermission;
import ai.portal.platform.team.TeamRole;
import ai.portal.tenant.access.TeamAccess;
import ai.portal.tenant.audit.AuditedChanges.AuditedAction;
import ai.portal.tenant.audit.AuditedChanges.Change;
import ai.portal.tenant.audit.AuditedChanges;
import ai.portal.tenant.domain.Member;
import ai.portal.tenant.domain.TeamProblems;
import ai.portal.tenant.domain.TeamState;
import ai.portal.tenant.identity.UserDirectory;
import ai.portal.tenant.store.TeamRepository;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
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
    private final AuditedChanges changes;

    MembershipService(TeamRepository teams, TeamAccess access, UserDirectory users, AuditedChanges changes) {
        this.teams = teams;
        this.access = access;
        this.users = users;
        this.changes = changes;
    }

    Flux<Member> list(CurrentUser actor, String slug) {
        return access.require(actor, slug, TeamPermission.VIEW).thenMany(teams.members(slug));
    }

    Mono<Member> add(CurrentUser actor, String slug, String username, TeamRole role) {
        return changes.run(new AuditedAction(actor, "member.add", slug, target(slug, username)),
                access.require(actor, slug, TeamPermission.MANAGE)
                        .flatMap(team -> team.state() == TeamState.ACTIVE ? Mono.just(team)
                                : Mono.error(TeamProblems.notActive(slug, team.state())))
                        .then(users.findByUsername(username)
                                .switchIfEmpty(Mono.error(() -> TeamProblems.userNotFound(username, "username")))),
                user -> teams.roleOf(slug, user.subject())
                        .flatMap(existing -> Mono.<Change<Member>>error(TeamProblems.alreadyMember(slug, user.username())))
                        .switchIfEmpty(Mono.defer(() -> {
                            Member member = new Member(user.subject(), user.username(), role);
                            return teams.addMember(slug, member)
                                    .onErrorMap(DuplicateKeyException.class,
                                            added -> TeamProblems.alreadyMember(slug, user.username()))
                                    .thenReturn(Change.of(member, null,
                                    Map.of("username", member.username(), "role", role.wireName())));
                        })));
    }

    Mono<Member> changeRole(CurrentUser actor, String slug, String username, TeamRole role) {
        return changes.run(new AuditedAction(actor, "member.role", slug, target(slug, username)),
                access.require(actor, slug, TeamPermission.MANAGE),
                team -> teams.lock(slug).then(member(slug, username))
                        .flatMap(before -> keepsAnOwner(slug, before, role)
                                .then(teams.changeRole(slug, before.subject(), role))
                                .thenReturn(Change.of(new Member(before.subject(), before.username(), role),
                                        Map.of("role", before.role().wireName()), Map.of("role", role.wireName())))));
    }

    Mono<Void> remove(CurrentUser actor, String slug, String username) {
        return changes.run(new AuditedAction(actor, "member.remove", slug, target(slug, username)),
                access.require(actor, slug, TeamPermission.MANAGE),
                team -> teams.lock(slug).then(member(slug, username))
                        .flatMap(before -> keepsAnOwner(slug, before, null)
                                .then(teams.removeMember(slug, before.subject()))
                                .thenReturn(Change.<Void>of(null,
                                        Map.of("username", before.username(), "role", before.role().wireName()), null))))
                .then();
    }

    private Mono<Member> member(String slug, String username) {
        return teams.members(slug).filter(member -> member.username().equals(username)).next()
                .switchIfEmpty(Mono.error(() -> TeamProblems.memberNotFound(slug, username)));
    }

    /**
     * Refuses a change that would leave the team without an owner ({@code newRole} null: removal). Runs with the
     * team's row locked ({@link TeamRepository#lock}), so two owners removed at once cannot both see the other one.
     */
    private Mono<Void> keepsAnOwner(String slug, Member before, TeamRole newRole) {
        if (before.role() != TeamRole.OWNER || newRole == TeamRole.OWNER) {
            return Mono.empty();
        }
        return teams.members(slug).filter(member -> member.role() == TeamRole.OWNER).count()
                .flatMap(owners -> owners <= 1 ? Mono.error(TeamProblems.lastOwner(slug)) : Mono.empty());
    }

    private static String target(String slug, String username) {
        return "team/" + slug + "/member/" + username;
    }
}
