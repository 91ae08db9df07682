package ai.portal.tenant.sync;

import java.time.Instant;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

@Repository
class SyncStatusRepository {

    private final DatabaseClient db;

    SyncStatusRepository(DatabaseClient db) {
        this.db = db;
    }

    Mono<Void> record(String slug, String sync, SyncStatus.State state, String message) {
        // the team may have been deleted meanwhile: then there is nothing to record
        return db.sql("""
                        insert into team_sync_status (team_slug, sync, state, message, observed_at)
                        select :slug, :sync, :state, :message, now() where exists (select 1 from team where slug = :slug)
                        on conflict (team_slug, sync) do update
                           set state = excluded.state, message = excluded.message, observed_at = excluded.observed_at""")
                .bind("slug", slug).bind("sync", sync).bind("state", state.wireName())
                .bind("message", message == null ? "" : message)
                .then();
    }

    Flux<SyncStatus> find(String slug) {
        return db.sql("select * from team_sync_status where team_slug = :slug order by sync").bind("slug", slug)
                .map(row -> new SyncStatus(row.get("sync", String.class),
                        SyncStatus.State.valueOf(row.get("state", String.class).toUpperCase()),
                        row.get("message", String.class), row.get("observed_at", Instant.class)))
                .all();
    }
}
