package ai.portal.jobs.usage;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** SQL for running intervals and the usage sums made of them. */
@Repository
class UsageRepository {

    private final DatabaseClient db;

    UsageRepository(DatabaseClient db) {
        this.db = db;
    }

    /**
     * Opens (or keeps open) the interval of a running pod, or closes it when the pod ended. The first start seen
     * wins; an interval once closed is never reopened. The owner comes from the workload's row, or for a model
     * server from its deployment's (who deployed it); a pod whose row is already gone is not recorded.
     */
    Mono<Void> upsert(RunningInterval interval, Instant seenAt) {
        String owner = interval.workloadId() != null
                ? "select w.id, null::varchar, w.team_slug, w.owner_subject, w.owner_username from workload w where w.id = :workload"
                : "select null::uuid, d.name, d.team_slug, '', d.created_by from model_deployment d "
                        + "where d.team_slug = :team and d.name = :deployment";
        var spec = db.sql("""
                        insert into running_interval (workload_id, model_deployment, team_slug, owner_subject,
                                                      owner_username, pod_uid, started_at, ended_at, last_seen_at,
                                                      gpu_type, gpus, cpu_millis, memory_bytes)
                        select owner.*, :pod, :start, :end, :seen, :gpuType, :gpus, :cpu, :memory from (%s) owner
                        on conflict (pod_uid) do update
                           set last_seen_at = greatest(running_interval.last_seen_at, excluded.last_seen_at),
                               ended_at = coalesce(running_interval.ended_at, excluded.ended_at)""".formatted(owner))
                .bind("pod", interval.podUid())
                .bind("start", interval.start())
                .bind("end", Parameter.fromOrEmpty(interval.end(), Instant.class))
                .bind("seen", seenAt).bind("gpuType", interval.gpuType()).bind("gpus", interval.gpus())
                .bind("cpu", interval.cpuMillis()).bind("memory", interval.memoryBytes());
        spec = interval.workloadId() != null ? spec.bind("workload", interval.workloadId())
                : spec.bind("team", interval.team()).bind("deployment", interval.modelDeployment());
        return spec.then();
    }

    /** The pods of open intervals, for closing those whose pod is gone. */
    Flux<OpenInterval> open() {
        return db.sql("select pod_uid, last_seen_at from running_interval where ended_at is null")
                .map(row -> new OpenInterval(row.get("pod_uid", String.class), row.get("last_seen_at", Instant.class)))
                .all();
    }

    record OpenInterval(String podUid, Instant lastSeen) {
    }

    /** Closes a pod's interval at {@code end} (the pod's deletion, or when it was last seen running). */
    Mono<Void> close(String podUid, Instant end) {
        return db.sql("""
                        update running_interval set ended_at = greatest(started_at, :end)
                         where pod_uid = :pod and ended_at is null""")
                .bind("pod", podUid).bind("end", end).then();
    }

    /**
     * Sums over [from, to) of each interval's overlap with it, grouped by {@code groupBy} (a column name from
     * {@link UsageGrouping}), for the given teams (null: every team).
     */
    Flux<UsageRow> sums(Instant from, Instant to, UsageGrouping groupBy, List<String> teams, Instant now) {
        String key = groupBy.column();
        String sql = """
                select %s as key, %s::text as team,
                       sum(seconds * gpus) as gpu_seconds,
                       sum(seconds * cpu_millis / 1000.0) as cpu_seconds,
                       sum(seconds * memory_bytes) as memory_byte_seconds,
                       sum(seconds) as run_seconds,
                       count(distinct coalesce(workload_id::text, team_slug || '/' || model_deployment)) as workloads
                  from (select i.*, extract(epoch from (least(coalesce(i.ended_at, :now), :to)
                                                     - greatest(i.started_at, :from))) as seconds
                          from running_interval i
                         where i.started_at < :to and coalesce(i.ended_at, :now) > :from
                           %s) clipped
                 where seconds > 0
                 group by %s
                 order by %s""".formatted(key, groupBy == UsageGrouping.TEAM ? "team_slug" : "null",
                teams == null ? "" : "and i.team_slug = any(:teams)", key, key);
        var spec = db.sql(sql).bind("from", from).bind("to", to).bind("now", now);
        if (teams != null) {
            spec = spec.bind("teams", teams.toArray(String[]::new));
        }
        return spec.map(row -> new UsageRow(String.valueOf(row.get("key", String.class)),
                        row.get("team", String.class),
                        number(row.get("gpu_seconds")), number(row.get("cpu_seconds")),
                        number(row.get("memory_byte_seconds")) / (1L << 30), number(row.get("run_seconds")),
                        row.get("workloads", Long.class)))
                .all();
    }

    private static double number(Object value) {
        return value instanceof Number number ? number.doubleValue() : 0.0;
    }
}
