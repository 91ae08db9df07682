package ai.portal.jobs.status;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import ai.portal.jobs.status.EtaEstimator.History;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * How much of their max runtime a team's jobs really use: the median of (ran / max runtime) over its last 50
 * successful jobs, from their recorded history. Kept a minute per team: it moves slowly.
 */
@Component
class RuntimeHistory {

    private static final Duration KEEP = Duration.ofMinutes(1);
    private static final int SAMPLES = 50;

    private final DatabaseClient db;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(long atNanos, History history) {
    }

    RuntimeHistory(DatabaseClient db) {
        this.db = db;
    }

    Mono<History> of(String team) {
        Cached cached = cache.get(team);
        if (cached != null && System.nanoTime() - cached.atNanos() < KEEP.toNanos()) {
            return Mono.just(cached.history());
        }
        return db.sql("""
                        select (w.spec ->> 'maxRuntimeSeconds')::float8 as max_seconds,
                               extract(epoch from (done.at - ran.at)) as ran_seconds
                          from workload w
                          join lateral (select min(at) as at from workload_event
                                         where workload_id = w.id and type = 'phase' and phase = 'Running') ran on true
                          join lateral (select min(at) as at from workload_event
                                         where workload_id = w.id and type = 'phase' and phase = 'Succeeded') done on true
                         where w.team_slug = :team and w.kind = 'job' and ran.at is not null and done.at is not null
                           and (w.spec ->> 'maxRuntimeSeconds') is not null
                         order by done.at desc
                         limit :samples""")
                .bind("team", team).bind("samples", SAMPLES)
                .map(row -> {
                    Number max = row.get("max_seconds", Double.class);
                    Number ran = row.get("ran_seconds", java.math.BigDecimal.class);
                    return max == null || ran == null || max.doubleValue() <= 0 ? -1.0
                            : ran.doubleValue() / max.doubleValue();
                })
                .all()
                .filter(ratio -> ratio >= 0)
                .collectList()
                .map(RuntimeHistory::median)
                .doOnNext(history -> cache.put(team, new Cached(System.nanoTime(), history)));
    }

    static History median(List<Double> ratios) {
        if (ratios.isEmpty()) {
            return History.NONE;
        }
        List<Double> sorted = new ArrayList<>(ratios);
        sorted.sort(Double::compare);
        int n = sorted.size();
        double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        return new History(Math.min(1.0, median), n);
    }
}
