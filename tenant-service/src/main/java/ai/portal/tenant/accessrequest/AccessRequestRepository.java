package ai.portal.tenant.accessrequest;

import java.time.Instant;

import ai.portal.platform.security.CurrentUser;
import ai.portal.tenant.accessrequest.AccessRequestApi.AccessRequest;
import io.r2dbc.spi.Readable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

@Repository
class AccessRequestRepository {

    private final DatabaseClient db;

    AccessRequestRepository(DatabaseClient db) {
        this.db = db;
    }

    /** The new request's id; a second pending request of the same person violates the unique index. */
    Mono<Long> insert(CurrentUser requester, String reason, String team) {
        return db.sql("""
                        insert into access_request (requester_subject, requester_username, requester_name,
                                                    requester_email, reason, team_slug)
                        values (:subject, :username, :name, :email, :reason, :team) returning id""")
                .bind("subject", requester.subject())
                .bind("username", requester.username())
                .bind("name", Parameter.fromOrEmpty(requester.name(), String.class))
                .bind("email", Parameter.fromOrEmpty(requester.email(), String.class))
                .bind("reason", reason)
                .bind("team", Parameter.fromOrEmpty(team, String.class))
                .map(row -> row.get("id", Long.class)).one();
    }

    Mono<Stored> find(long id) {
        return db.sql("select * from access_request where id = :id").bind("id", id).map(this::stored).one();
    }

    Flux<AccessRequest> of(String subject) {
        return db.sql("select * from access_request where requester_subject = :subject order by created_at desc, id desc")
                .bind("subject", subject).map(row -> stored(row).api()).all();
    }

    Flux<AccessRequest> withStatus(String status) {
        return db.sql("select * from access_request where status = :status order by created_at, id")
                .bind("status", status).map(row -> stored(row).api()).all();
    }

    /** Approves a pending request; 0 rows when it was decided (or withdrawn) meanwhile. */
    Mono<Long> approve(long id, String decidedBy, String reason, String role, String team, String teamRole) {
        return db.sql("""
                        update access_request
                           set status = 'approved', decided_by_username = :by, decision_reason = :reason,
                               granted_role = :role, granted_team_slug = :team, granted_team_role = :teamRole,
                               decided_at = now()
                         where id = :id and status = 'pending'""")
                .bind("id", id).bind("by", decidedBy).bind("reason", reason == null ? "" : reason)
                .bind("role", Parameter.fromOrEmpty(role, String.class))
                .bind("team", Parameter.fromOrEmpty(team, String.class))
                .bind("teamRole", Parameter.fromOrEmpty(teamRole, String.class))
                .fetch().rowsUpdated();
    }

    /** Rejects (by an admin) or withdraws (by the requester) a pending request; 0 rows when it was not pending. */
    Mono<Long> close(long id, String status, String decidedBy, String reason) {
        return db.sql("""
                        update access_request set status = :status, decided_by_username = :by,
                               decision_reason = :reason, decided_at = now()
                         where id = :id and status = 'pending'""")
                .bind("id", id).bind("status", status).bind("by", decidedBy).bind("reason", reason == null ? "" : reason)
                .fetch().rowsUpdated();
    }

    /** A row with the requester's subject, which the API does not show. */
    record Stored(String subject, AccessRequest api) {
    }

    private Stored stored(Readable row) {
        return new Stored(row.get("requester_subject", String.class), new AccessRequest(
                row.get("id", Long.class), row.get("requester_username", String.class),
                row.get("requester_name", String.class), row.get("requester_email", String.class),
                row.get("reason", String.class), row.get("team_slug", String.class), row.get("status", String.class),
                row.get("decided_by_username", String.class), row.get("decision_reason", String.class),
                row.get("granted_role", String.class), row.get("granted_team_slug", String.class),
                row.get("granted_team_role", String.class), row.get("created_at", Instant.class),
                row.get("decided_at", Instant.class)));
    }
}
