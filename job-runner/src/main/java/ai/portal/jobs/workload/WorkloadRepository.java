package ai.portal.jobs.workload;

import java.time.Instant;
import java.util.UUID;

import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Readable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/** SQL for workloads and their history. The services decide; this only reads and writes rows. */
@Repository
public class WorkloadRepository {

    private final DatabaseClient db;
    private final JsonMapper json;

    WorkloadRepository(DatabaseClient db, JsonMapper json) {
        this.db = db;
        this.json = json;
    }

    /** Inserts a new live workload; a live one of the same name in the team fails with a duplicate key. */
    public Mono<Void> insert(WorkloadRecord workload) {
        return db.sql("""
                        insert into workload (id, team_slug, name, kind, owner_subject, owner_username, spec, desired)
                        values (:id, :team, :name, :kind, :subject, :username, :spec, :desired)""")
                .bind("id", workload.id()).bind("team", workload.team()).bind("name", workload.name())
                .bind("kind", workload.kind().wireName()).bind("subject", workload.ownerSubject())
                .bind("username", workload.ownerUsername())
                .bind("spec", Json.of(json.writeValueAsString(workload.spec())))
                .bind("desired", workload.desired().wireName())
                .then();
    }

    /** The live workload of that name in the team. */
    public Mono<WorkloadRecord> findLive(String team, String name) {
        return db.sql("select * from workload where team_slug = :team and name = :name and deleted_at is null")
                .bind("team", team).bind("name", name).map(this::workload).one();
    }

    public Mono<WorkloadRecord> find(UUID id) {
        return db.sql("select * from workload where id = :id").bind("id", id).map(this::workload).one();
    }

    /** A team's live workloads, newest first, optionally of one kind. */
    public Flux<WorkloadRecord> findLiveByTeam(String team, WorkloadKind kind) {
        String sql = "select * from workload where team_slug = :team and deleted_at is null"
                + (kind == null ? "" : " and kind = :kind") + " order by created_at desc";
        var spec = db.sql(sql).bind("team", team);
        if (kind != null) {
            spec = spec.bind("kind", kind.wireName());
        }
        return spec.map(this::workload).all();
    }

    /** A user's live workloads across teams, newest first. */
    public Flux<WorkloadRecord> findLiveByOwner(String subject) {
        return db.sql("select * from workload where owner_subject = :subject and deleted_at is null"
                        + " order by created_at desc")
                .bind("subject", subject).map(this::workload).all();
    }

    /** Every live workload: what the reconciler converges. */
    public Flux<WorkloadRecord> findAllLive() {
        return db.sql("select * from workload where deleted_at is null").map(this::workload).all();
    }

    public Flux<WorkloadRecord> findByIds(java.util.Collection<UUID> ids) {
        if (ids.isEmpty()) {
            return Flux.empty();
        }
        return db.sql("select * from workload where id = any(:ids)").bind("ids", ids.toArray(UUID[]::new))
                .map(this::workload).all();
    }

    public Mono<Long> setDesired(UUID id, Desired desired) {
        return db.sql("update workload set desired = :desired, updated_at = now() where id = :id and deleted_at is null")
                .bind("id", id).bind("desired", desired.wireName()).fetch().rowsUpdated();
    }

    /** A new spec for a live workload (a notebook resized); its objects follow when next applied. */
    public Mono<Long> setSpec(UUID id, WorkloadSpec spec) {
        return db.sql("update workload set spec = :spec, updated_at = now() where id = :id and deleted_at is null")
                .bind("id", id).bind("spec", Json.of(json.writeValueAsString(spec))).fetch().rowsUpdated();
    }

    public Mono<Long> markDeleted(UUID id, boolean deleteWorkspace) {
        return db.sql("""
                        update workload set desired = 'deleted', delete_workspace = :workspace, deleted_at = now(),
                               updated_at = now()
                         where id = :id and deleted_at is null""")
                .bind("id", id).bind("workspace", deleteWorkspace).fetch().rowsUpdated();
    }

    /** Records the uid of the Job or StatefulSet once created (only the first time). */
    public Mono<Long> setObjectUid(UUID id, String uid) {
        return db.sql("update workload set object_uid = :uid where id = :id and object_uid is null")
                .bind("id", id).bind("uid", uid).fetch().rowsUpdated();
    }

    /** A notebook's StatefulSet of this run: each start creates a new one, with a new uid. */
    public Mono<Void> replaceObjectUid(UUID id, String uid) {
        return db.sql("update workload set object_uid = :uid where id = :id").bind("id", id).bind("uid", uid)
                .then();
    }

    /** Removes a row that never became a workload (its objects could not be created), with its history. */
    public Mono<Void> deleteRow(UUID id) {
        return db.sql("delete from workload where id = :id").bind("id", id).then();
    }

    /** The last deleted row of a name in a team: whether its workspace was to go with it. */
    public Mono<WorkloadRecord> findLastDeleted(String team, String name) {
        return db.sql("""
                        select * from workload where team_slug = :team and name = :name and deleted_at is not null
                         order by deleted_at desc limit 1""")
                .bind("team", team).bind("name", name).map(this::workload).one();
    }

    /** How many notebooks of the team are meant to run now (for {@code max-notebooks}). */
    public Mono<Long> countRunningNotebooks(String team) {
        return db.sql("""
                        select count(*) as n from workload
                         where team_slug = :team and kind = 'notebook' and desired = 'running' and deleted_at is null""")
                .bind("team", team).map(row -> row.get("n", Long.class)).one();
    }

    // --- history -------------------------------------------------------------------------------------

    /** Records one observation once: a second call with the same dedup key changes nothing. True when new. */
    public Mono<Boolean> recordEvent(WorkloadEvent event) {
        return db.sql("""
                        insert into workload_event (workload_id, at, type, phase, reason, message, dedup_key)
                        values (:workload, :at, :type, :phase, :reason, :message, :dedup)
                        on conflict (workload_id, dedup_key) do nothing""")
                .bind("workload", event.workloadId()).bind("at", event.at()).bind("type", event.type())
                .bind("phase", Parameter.fromOrEmpty(event.phase(), String.class))
                .bind("reason", truncate(event.reason(), 64)).bind("message", truncate(event.message(), 2000))
                .bind("dedup", truncate(event.dedupKey(), 200))
                .fetch().rowsUpdated().map(rows -> rows > 0);
    }

    public Flux<WorkloadEvent> events(UUID workload) {
        return db.sql("select * from workload_event where workload_id = :workload order by at, id")
                .bind("workload", workload)
                .map(row -> new WorkloadEvent(row.get("workload_id", UUID.class), row.get("at", Instant.class),
                        row.get("type", String.class), row.get("phase", String.class),
                        row.get("reason", String.class), row.get("message", String.class),
                        row.get("dedup_key", String.class)))
                .all();
    }

    /** The phase recorded last (in recording order) for a workload. */
    public Mono<WorkloadEvent> lastPhase(UUID workload) {
        return last(workload, "phase");
    }

    /** The newest history entry of one type. */
    public Mono<WorkloadEvent> last(UUID workload, String type) {
        return db.sql("""
                        select * from workload_event where workload_id = :workload and type = :type
                         order by id desc limit 1""")
                .bind("workload", workload).bind("type", type)
                .map(row -> new WorkloadEvent(row.get("workload_id", UUID.class), row.get("at", Instant.class),
                        row.get("type", String.class), row.get("phase", String.class),
                        row.get("reason", String.class), row.get("message", String.class),
                        row.get("dedup_key", String.class)))
                .one();
    }

    private WorkloadRecord workload(Readable row) {
        return new WorkloadRecord(row.get("id", UUID.class), row.get("team_slug", String.class),
                row.get("name", String.class), WorkloadKind.fromWire(row.get("kind", String.class)),
                row.get("owner_subject", String.class), row.get("owner_username", String.class),
                json.readValue(row.get("spec", Json.class).asString(), WorkloadSpec.class),
                Desired.fromWire(row.get("desired", String.class)),
                Boolean.TRUE.equals(row.get("delete_workspace", Boolean.class)), row.get("object_uid", String.class),
                row.get("created_at", Instant.class), row.get("updated_at", Instant.class),
                row.get("deleted_at", Instant.class));
    }

    private static String truncate(String value, int max) {
        return value == null ? "" : value.length() <= max ? value : value.substring(0, max);
    }
}
