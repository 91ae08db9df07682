package ai.portal.tenant.quotarequest;

import java.time.Instant;

import ai.portal.tenant.domain.Quota;
import ai.portal.tenant.quotarequest.QuotaRequestApi.QuotaRequest;
import io.r2dbc.postgresql.codec.Json;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

@Repository
class QuotaRequestRepository {

    private final DatabaseClient db;
    private final JsonMapper json;

    QuotaRequestRepository(DatabaseClient db, JsonMapper json) {
        this.db = db;
        this.json = json;
    }

    Mono<Long> insert(String slug, String subject, String username, String reason, Quota requested) {
        return db.sql("""
                        insert into quota_request (team_slug, requested_by_subject, requested_by_username, reason, requested)
                        values (:slug, :subject, :username, :reason, :requested) returning id""")
                .bind("slug", slug).bind("subject", subject).bind("username", username).bind("reason", reason)
                .bind("requested", Json.of(json.writeValueAsString(requested)))
                .map(row -> row.get("id", Long.class)).one();
    }

    Mono<QuotaRequest> find(long id) {
        return db.sql("select * from quota_request where id = :id").bind("id", id).map(this::toApi).one();
    }

    Flux<QuotaRequest> forTeam(String slug) {
        return db.sql("select * from quota_request where team_slug = :slug order by created_at desc, id desc")
                .bind("slug", slug).map(this::toApi).all();
    }

    Flux<QuotaRequest> withStatus(String status) {
        return db.sql("select * from quota_request where status = :status order by created_at, id")
                .bind("status", status).map(this::toApi).all();
    }

    /** Decides a pending request; 0 rows when someone decided it first. */
    Mono<Long> decide(long id, String status, String decidedBy, String reason) {
        return db.sql("""
                        update quota_request set status = :status, decided_by_username = :by, decision_reason = :reason,
                               decided_at = now()
                         where id = :id and status = 'pending'""")
                .bind("id", id).bind("status", status).bind("by", decidedBy).bind("reason", reason == null ? "" : reason)
                .fetch().rowsUpdated();
    }

    private QuotaRequest toApi(io.r2dbc.spi.Readable row) {
        return new QuotaRequest(row.get("id", Long.class), row.get("team_slug", String.class),
                row.get("requested_by_username", String.class), row.get("reason", String.class),
                json.readValue(row.get("requested", Json.class).asString(), Quota.class),
                row.get("status", String.class), row.get("decided_by_username", String.class),
                row.get("decision_reason", String.class), row.get("created_at", Instant.class),
                row.get("decided_at", Instant.class));
    }
}
