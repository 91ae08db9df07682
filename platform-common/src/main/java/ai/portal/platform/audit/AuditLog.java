package ai.portal.platform.audit;

import java.time.Instant;
import java.util.Locale;

import ai.portal.platform.security.CurrentUser;
import ai.portal.platform.team.TeamAccessDenied;
import ai.portal.platform.team.TeamNames;
import ai.portal.platform.web.RequestIds;
import io.r2dbc.postgresql.codec.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.web.ErrorResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes and reads a service's audit trail (the {@code audit_event} table of its own schema). A successful change
 * writes its row in the same transaction as the change; a refused or failed one writes its row on its own
 * ({@link #onFailure}), so every refusal is on record although nothing else was written. A service that audits
 * imports {@link AuditConfiguration}; the others carry no R2DBC.
 */
public class AuditLog {

    private static final Logger log = LoggerFactory.getLogger(AuditLog.class);
    /** Refusal rows one actor may add per minute ({@link RefusalBudget}). */
    static final int REFUSALS_PER_MINUTE = 60;

    private final DatabaseClient db;
    private final JsonMapper json;
    private final RefusalBudget refusals = new RefusalBudget(REFUSALS_PER_MINUTE);

    public AuditLog(DatabaseClient db, JsonMapper json) {
        this.db = db;
        this.json = json;
    }

    public Mono<Void> record(CurrentUser actor, String team, String action, String target, Object before,
                             Object after, AuditEvent.Outcome outcome, String detail) {
        // a refused request may name a "team" no team could have (a path value of any length): the row is still
        // written, without a team, saying what was asked for, instead of being lost to the column's limit
        boolean teamName = team == null || TeamNames.isSlug(team);
        String recordedTeam = teamName ? team : null;
        String recordedDetail = teamName ? detail : "not a team name: '" + truncate(team, 64) + "'"
                + (team.length() > 64 ? "… (" + team.length() + " characters)" : "") + "; " + detail;
        return RequestIds.current().defaultIfEmpty("").flatMap(requestId -> db.sql("""
                        insert into audit_event (actor_subject, actor_username, team_slug, action, target, before, after,
                                                 outcome, detail, request_id)
                        values (:subject, :username, :team, :action, :target, :before, :after, :outcome, :detail,
                                :requestId)""")
                .bind("subject", actor.subject())
                .bind("username", truncate(actor.username(), 255))
                .bind("team", Parameter.fromOrEmpty(recordedTeam, String.class))
                .bind("action", action)
                .bind("target", truncate(target, 255))
                .bind("before", jsonOrNull(before))
                .bind("after", jsonOrNull(after))
                .bind("outcome", outcome.wireName())
                .bind("detail", recordedDetail == null ? "" : truncate(recordedDetail, 2000))
                .bind("requestId", Parameter.fromOrEmpty(requestId.isEmpty() ? null : requestId, String.class))
                .then());
    }

    /**
     * Wraps one mutating use case: on failure a row records the refusal (or our failure) on its own, and the error
     * goes on to the caller unchanged. On success the use case has written its own row inside its transaction.
     */
    public <T> Mono<T> onFailure(Mono<T> useCase, CurrentUser actor, String team, String action, String target) {
        return useCase.onErrorResume(failure -> {
            AuditEvent.Outcome outcome = outcomeOf(failure);
            String detail = detailOf(failure);
            if (outcome != AuditEvent.Outcome.FAILED) {
                RefusalBudget.Decision decision = refusals.admit(actor.subject(), Instant.now());
                if (!decision.record()) {
                    return Mono.error(failure);
                }
                if (decision.leftOut() > 0) {
                    detail = detail + " (" + decision.leftOut() + " more refusals of " + actor.username()
                            + " in the minute before were not recorded)";
                }
            }
            return record(actor, team, action, target, null, null, outcome, detail)
                    // the caller still gets its answer, but a lost audit row is never silent
                    .onErrorResume(auditFailure -> {
                        log.error("audit row lost: {} {} by {} ({}): {}", action, target, actor.username(),
                                outcome.wireName(), auditFailure.toString());
                        return Mono.empty();
                    })
                    .then(Mono.error(failure));
        });
    }

    /**
     * What a refusal's row says: the problem's own words as the caller read them ("Cannot run on this cluster: No T4
     * node …"), not the Java rendering of the exception ("422 UNPROCESSABLE_CONTENT, ProblemDetail[type='null', …").
     */
    static String detailOf(Throwable failure) {
        if (failure instanceof ErrorResponse response && response.getBody() != null) {
            String title = response.getBody().getTitle();
            String detail = response.getBody().getDetail();
            if (detail != null && !detail.isBlank()) {
                return title == null || title.isBlank() || detail.startsWith(title) ? detail : title + ": " + detail;
            }
            if (title != null && !title.isBlank()) {
                return title;
            }
        }
        return String.valueOf(failure.getMessage());
    }

    /** How a failed use case ends in the audit log: the caller's fault, not allowed, or ours. */
    public static AuditEvent.Outcome outcomeOf(Throwable failure) {
        if (failure instanceof ErrorResponse response) {
            int status = response.getStatusCode().value();
            if (status == 401 || status == 403 || status == 404) {
                // 404 is what another team's member gets for a team or workload they may not see
                return status == 404 && !(failure instanceof TeamAccessDenied)
                        ? AuditEvent.Outcome.REJECTED : AuditEvent.Outcome.DENIED;
            }
            if (status < 500) {
                return AuditEvent.Outcome.REJECTED;
            }
        }
        if (failure instanceof AccessDeniedException) {
            return AuditEvent.Outcome.DENIED;
        }
        return AuditEvent.Outcome.FAILED;
    }

    public Flux<AuditEvent> find(AuditQuery query) {
        StringBuilder sql = new StringBuilder("select * from audit_event where 1 = 1");
        if (query.team() != null) sql.append(" and team_slug = :team");
        if (query.actor() != null) sql.append(" and actor_username = :actor");
        if (query.action() != null) sql.append(" and action = :action");
        if (query.outcome() != null) sql.append(" and outcome = :outcome");
        if (query.from() != null) sql.append(" and at >= :from");
        if (query.to() != null) sql.append(" and at < :to");
        sql.append(" order by at desc, id desc limit :limit offset :offset");
        var spec = db.sql(sql.toString());
        if (query.team() != null) spec = spec.bind("team", query.team());
        if (query.actor() != null) spec = spec.bind("actor", query.actor());
        if (query.action() != null) spec = spec.bind("action", query.action());
        if (query.outcome() != null) spec = spec.bind("outcome", query.outcome().wireName());
        if (query.from() != null) spec = spec.bind("from", query.from());
        if (query.to() != null) spec = spec.bind("to", query.to());
        return spec.bind("limit", query.size()).bind("offset", (long) query.page() * query.size())
                .map((row, meta) -> new AuditEvent(
                        row.get("id", Long.class),
                        row.get("at", Instant.class),
                        row.get("actor_subject", String.class),
                        row.get("actor_username", String.class),
                        row.get("team_slug", String.class),
                        row.get("action", String.class),
                        row.get("target", String.class),
                        parse(row.get("before", Json.class)),
                        parse(row.get("after", Json.class)),
                        AuditEvent.Outcome.valueOf(row.get("outcome", String.class).toUpperCase(Locale.ROOT)),
                        row.get("detail", String.class),
                        row.get("request_id", String.class)))
                .all();
    }

    public record AuditQuery(String team, String actor, String action, AuditEvent.Outcome outcome, Instant from,
                             Instant to, int page, int size) {
    }

    private Parameter jsonOrNull(Object value) {
        return Parameter.fromOrEmpty(value == null ? null : Json.of(json.writeValueAsString(value)), Json.class);
    }

    private JsonNode parse(Json value) {
        return value == null ? null : json.readTree(value.asString());
    }

    private static String truncate(String value, int max) {
        return value.length() <= max ? value : value.substring(0, max);
    }
}
