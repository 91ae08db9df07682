package ai.portal.jobs.serving;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

import ai.portal.jobs.cluster.ClusterState;
import ai.portal.jobs.leader.Leadership;
import ai.portal.platform.security.CurrentUser;
import ai.portal.platform.team.TeamNames;
import io.fabric8.kubernetes.api.model.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What the cluster's HPA controller did to the team's autoscaled deployments, kept longer than Kubernetes keeps its
 * events (an hour): the leader writes each {@code SuccessfulRescale} event of a model server's HPA into
 * {@code model_scaling_event} as the event informer sees it, and the reconciler's pass writes whatever the informer
 * still holds (events seen while another replica led). Reads merge the table with the informer's events, so a
 * rescale shows at once on any replica. Rows go with their deployment (foreign key) and after 30 days.
 */
@Component
class ScalingHistory {

    /** How far back a deployment's history is shown. */
    static final Duration WINDOW = Duration.ofHours(24);
    /** How long rescales are kept. */
    static final Duration KEPT = Duration.ofDays(30);
    private static final Logger log = LoggerFactory.getLogger(ScalingHistory.class);

    private final DatabaseClient db;
    private final ClusterState cluster;
    private final Leadership leadership;
    private final ServingService serving;

    ScalingHistory(DatabaseClient db, ClusterState cluster, Leadership leadership, ServingService serving) {
        this.db = db;
        this.cluster = cluster;
        this.leadership = leadership;
        this.serving = serving;
        cluster.onHpaRescale(this::seen);
    }

    /** The deployment's replicas over the last day (any member; 404 as {@link ServingService#get}). */
    Mono<ScalingHistoryView> of(CurrentUser actor, String team, String name) {
        return serving.get(actor, team, name).flatMap(deployment -> {
            Instant until = Instant.now();
            Instant since = deployment.createdAt() != null && deployment.createdAt().isAfter(until.minus(WINDOW))
                    ? deployment.createdAt() : until.minus(WINDOW);
            Integer current = deployment.autoscalingStatus() == null ? null
                    : deployment.autoscalingStatus().currentReplicas();
            Mono<Integer> atStart = db.sql("""
                            select replicas from model_scaling_event where team_slug = :team and deployment = :name
                                and at < :since order by at desc limit 1""")
                    .bind("team", team).bind("name", name).bind("since", since.atOffset(ZoneOffset.UTC))
                    .map(row -> row.get("replicas", Integer.class)).one()
                    .defaultIfEmpty(deployment.replicas());
            Mono<List<ScalingChange>> recorded = db.sql("""
                            select at, replicas, reason from model_scaling_event
                            where team_slug = :team and deployment = :name and at >= :since order by at""")
                    .bind("team", team).bind("name", name).bind("since", since.atOffset(ZoneOffset.UTC))
                    .map(row -> ScalingChange.of(row.get("at", OffsetDateTime.class).toInstant(),
                            row.get("replicas", Integer.class), row.get("reason", String.class)))
                    .all().collectList();
            return Mono.zip(atStart, recorded).map(found -> new ScalingHistoryView(since, until, found.getT1(),
                    current, merged(found.getT2(), live(team, name), since)));
        });
    }

    /** Writes the rescales the informer holds for the deployments of {@code rows} (the reconciler's pass). */
    Mono<Void> recordAll(List<ServingService.Row> rows) {
        return Flux.fromIterable(rows).filter(row -> row.deployment().autoscaled())
                .concatMap(row -> Flux.fromIterable(live(row.team(), row.deployment().name()))
                        .concatMap(change -> insert(row.team(), row.deployment().name(), change)))
                .then(db.sql("delete from model_scaling_event where at < :oldest")
                        .bind("oldest", Instant.now().minus(KEPT).atOffset(ZoneOffset.UTC)).then());
    }

    /** The informer's rescales of the deployment's HPA. */
    private List<ScalingChange> live(String team, String name) {
        return cluster.rescales(TeamNames.namespace(team), ServingResources.objectName(name)).stream()
                .map(ScalingChange::of).flatMap(Optional::stream).toList();
    }

    /** One list, oldest first, each rescale once (the table and the informer hold the same ones). */
    static List<ScalingChange> merged(List<ScalingChange> recorded, List<ScalingChange> live, Instant since) {
        TreeMap<String, ScalingChange> byMoment = new TreeMap<>();
        for (ScalingChange change : recorded) {
            byMoment.put(change.at() + "/" + change.replicas(), change);
        }
        for (ScalingChange change : live) {
            if (!change.at().isBefore(since)) {
                byMoment.putIfAbsent(change.at() + "/" + change.replicas(), change);
            }
        }
        List<ScalingChange> changes = new ArrayList<>(byMoment.values());
        changes.sort(Comparator.comparing(ScalingChange::at));
        return changes;
    }

    /** A rescale event as the informer delivers it: recorded at once on the leader. */
    private void seen(Event event) {
        if (!leadership.isLeader()) {
            return;
        }
        String namespace = event.getMetadata().getNamespace();
        String object = event.getInvolvedObject().getName();
        Optional<String> team = TeamNames.slugOfNamespace(namespace);
        if (team.isEmpty() || object == null || !object.startsWith(ServingResources.PREFIX)) {
            return;
        }
        String name = object.substring(ServingResources.PREFIX.length());
        ScalingChange.of(event).ifPresent(change -> insert(team.get(), name, change).subscribe(null,
                failure -> log.warn("model deployment {}/{}: recording a rescale failed: {}", team.get(), name,
                        failure.toString())));
    }

    /** Idempotent; nothing for a deployment that has no row (deleted, or another installation's). */
    private Mono<Void> insert(String team, String name, ScalingChange change) {
        return db.sql("""
                        insert into model_scaling_event (team_slug, deployment, at, replicas, reason)
                        select :team, :name, :at, :replicas, :reason
                        where exists (select 1 from model_deployment where team_slug = :team and name = :name)
                        on conflict do nothing""")
                .bind("team", team).bind("name", name).bind("at", change.at().atOffset(ZoneOffset.UTC))
                .bind("replicas", change.replicas())
                .bind("reason", change.reason().length() > 512 ? change.reason().substring(0, 512) : change.reason())
                .then();
    }
}
