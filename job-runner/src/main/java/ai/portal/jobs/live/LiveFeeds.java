package ai.portal.jobs.live;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import ai.portal.jobs.cluster.ClusterState;
import ai.portal.jobs.status.StatusService;
import ai.portal.jobs.status.WorkloadView;
import ai.portal.platform.team.TeamNames;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One feed per team of its workloads with their status, driven by the informers: when anything of the team changes
 * (its pods, Jobs, StatefulSets, Kueue Workloads, its queue's usage, their events), the team's list is computed once
 * and shared by every open stream of that team. A feed exists while someone listens (and a few seconds after), so
 * a hundred open tabs of one team cost one computation per change, not a hundred polls.
 */
@Component
public class LiveFeeds {

    private final ClusterState cluster;
    private final StatusService status;
    private final Duration settle;
    private final Duration refresh;
    private final Map<String, Flux<List<WorkloadView>>> feeds = new ConcurrentHashMap<>();

    LiveFeeds(ClusterState cluster, StatusService status, MeterRegistry meters,
              @Value("${portal.jobs.live.settle:250ms}") Duration settle,
              @Value("${portal.jobs.live.refresh:15s}") Duration refresh) {
        this.cluster = cluster;
        this.status = status;
        this.settle = settle;
        this.refresh = refresh;
        meters.gauge("portal.jobs.live.feeds", feeds, Map::size);
    }

    /** The team's workloads, now and after every change (changes closer than {@code settle} are taken together). */
    public Flux<List<WorkloadView>> feed(String team) {
        return feeds.computeIfAbsent(team, this::create);
    }

    private Flux<List<WorkloadView>> create(String team) {
        String namespace = TeamNames.namespace(team);
        // a refresh now and then also moves estimates and catches what no event announced (a row written elsewhere)
        Flux<Object> triggers = Flux.merge(
                cluster.changes().filter(change -> namespace.equals(change.namespace())).map(change -> (Object) change),
                Flux.interval(refresh).map(tick -> (Object) tick));
        // sampling ticks on its own clock: while a slow recomputation holds the demand, only the latest trigger
        // waits (without this the sampler fails the shared feed with an overflow, seen under load)
        return triggers.sample(settle)
                .onBackpressureLatest()
                .startWith("now")
                .concatMap(trigger -> status.teamViews(team, workload -> true)
                        .onErrorResume(failure -> Mono.empty()))
                .doFinally(signal -> feeds.remove(team))
                .replay(1)
                .refCount(1, Duration.ofSeconds(5));
    }
}
