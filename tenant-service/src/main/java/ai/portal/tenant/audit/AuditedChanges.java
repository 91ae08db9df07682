package ai.portal.tenant.audit;

import java.util.Optional;
import java.util.function.Function;

import ai.portal.platform.security.CurrentUser;
import ai.portal.platform.audit.AuditEvent.Outcome;
import ai.portal.platform.audit.AuditLog;
import ai.portal.tenant.domain.ReconcileTrigger;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * The shape every mutating use case of tenant-service has, written once, so that a use case states only its own
 * logic:
 *
 * <ol>
 *   <li><b>authorise</b> (and look up what the change needs, e.g. a user in Keycloak), outside the transaction;</li>
 *   <li><b>change</b> the database and write the success audit row, in one transaction: both or neither;</li>
 *   <li><b>reconcile</b>: once committed, ask for the team that changed to be converged (Kubernetes, Keycloak);</li>
 *   <li>on any failure, <b>audit the refusal or failure</b> in a row of its own (the transaction rolled back), and
 *       hand the error to the caller unchanged.</li>
 * </ol>
 */
@Component
public class AuditedChanges {

    private final AuditLog audit;
    private final TransactionalOperator tx;
    private final ReconcileTrigger reconcile;

    AuditedChanges(AuditLog audit, TransactionalOperator tx, ReconcileTrigger reconcile) {
        this.audit = audit;
        this.tx = tx;
        this.reconcile = reconcile;
    }

    /**
     * Runs one audited use case.
     *
     * @param action    who does what to which target; the failure row is written with these
     * @param authorise completes with what the change needs (often the team as it was), empty when it needs nothing,
     *                  or fails with the refusal
     * @param change    the database writes, given what {@code authorise} found ({@code null} when it was empty);
     *                  runs inside the transaction and says what to audit
     * @return the change's result, after the commit
     */
    public <P, T> Mono<T> run(AuditedAction action, Mono<P> authorise, Function<P, Mono<Change<T>>> change) {
        Mono<T> useCase = authorise
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty())
                .flatMap(prepared -> change.apply(prepared.orElse(null))
                        .flatMap(done -> audit.record(action.actor(), done.teamOr(action.team()), action.name(),
                                        done.targetOr(action.target()), done.before(), done.after(), Outcome.SUCCESS,
                                        done.detail())
                                .thenReturn(done))
                        .as(tx::transactional))
                .doOnNext(done -> {
                    String team = done.teamOr(action.team());
                    switch (done.reconciles()) {
                        case TEAM -> {
                            if (team != null) {
                                reconcile.request(team);
                            }
                        }
                        case EVERYTHING -> reconcile.requestEverything();
                        case NOTHING -> { }
                    }
                })
                .mapNotNull(Change::result);
        return audit.onFailure(useCase, action.actor(), action.team(), action.name(), action.target());
    }

    /** What must be reconciled once a change is committed. */
    public enum Follows {
        NOTHING, TEAM, EVERYTHING
    }

    /** Who does what to which target: the audit row's fixed part. {@code team} may be null (catalogue changes). */
    public record AuditedAction(CurrentUser actor, String name, String team, String target) {
    }

    /**
     * What a use case did: the result for the caller, and what its audit row and the reconciler need.
     *
     * @param result     handed to the caller; may be null
     * @param before     the audited state before, or null
     * @param after      the audited state after, or null
     * @param detail     a note for the audit row, e.g. "forced below current usage"
     * @param team       the team changed, when it is only known from the change (a quota request's team); null:
     *                   the action's team
     * @param target     the target, when only known from the change (a new request's id); null: the action's
     * @param reconciles what outside the database must follow the change
     */
    public record Change<T>(T result, Object before, Object after, String detail, String team, String target,
                            Follows reconciles) {

        /** A change of the action's team that its namespace and groups must follow. */
        public static <T> Change<T> of(T result, Object before, Object after) {
            return new Change<>(result, before, after, "", null, null, Follows.TEAM);
        }

        /** A change of the database only: nothing outside it follows (a quota request). */
        public static <T> Change<T> recorded(T result, Object before, Object after) {
            return new Change<>(result, before, after, "", null, null, Follows.NOTHING);
        }

        /** A change every team's objects follow (the GPU type catalogue: the Kueue flavors and every queue). */
        public static <T> Change<T> ofEveryTeam(T result, Object before, Object after) {
            return new Change<>(result, before, after, "", null, null, Follows.EVERYTHING);
        }

        public Change<T> withDetail(String note) {
            return new Change<>(result, before, after, note, team, target, reconciles);
        }

        /** Audits (and reconciles, if it does) {@code slug} instead of the action's team. */
        public Change<T> ofTeam(String slug) {
            return new Change<>(result, before, after, detail, slug, target, reconciles);
        }

        public Change<T> onTarget(String auditTarget) {
            return new Change<>(result, before, after, detail, team, auditTarget, reconciles);
        }

        String teamOr(String fallback) {
            return team == null ? fallback : team;
        }

        String targetOr(String fallback) {
            return target == null ? fallback : target;
        }
    }
}
