package ai.portal.jobs.tracking;

import java.time.OffsetDateTime;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.portal.jobs.cluster.ClusterState;
import ai.portal.jobs.cluster.PodHealth;
import ai.portal.jobs.launch.LaunchChecks;
import ai.portal.jobs.workload.NotebookTokens;
import ai.portal.jobs.workload.TeamEnvironment;
import ai.portal.jobs.workload.TeamObjectApplier;
import ai.portal.jobs.workload.WorkloadApplyException;
import ai.portal.platform.audit.AuditEvent.Outcome;
import ai.portal.platform.audit.AuditLog;
import ai.portal.platform.installation.Installation;
import ai.portal.platform.problem.ApiException;
import ai.portal.platform.security.CurrentUser;
import ai.portal.platform.team.TeamAuthorizer;
import ai.portal.platform.team.TeamNames;
import ai.portal.platform.team.TeamPermission;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * Switching a team's experiment tracking on and off, and its status. On: the team's store (role and schema
 * {@code mlflow_<slug>} in PostgreSQL, made by the one privileged function {@code portal_admin.ensure_tracking_store}
 * with a password derived from the job runner's key), the password's Secret (created once, never read back), the
 * artifact claim, Service and Deployment ({@link TrackingResources}, server-side apply). Off: the Deployment and
 * Service go; the store, the claim and the Secret stay, so switching on again finds every run. Owners and platform
 * admins switch; every member reads the status. Every change and refusal is audited.
 */
@org.springframework.stereotype.Service
@EnableConfigurationProperties(TrackingProperties.class)
public class TrackingService implements TeamEnvironment {

    private static final Logger log = LoggerFactory.getLogger(TrackingService.class);
    static final String ACTION_ENABLE = "tracking.enable";
    static final String ACTION_DISABLE = "tracking.disable";
    private static final String PASSWORD_PURPOSE = "tracking store password";

    private final DatabaseClient db;
    private final TeamAuthorizer authorizer;
    private final ClusterState cluster;
    private final LaunchChecks checks;
    private final AuditLog audit;
    private final TransactionalOperator tx;
    private final TeamObjectApplier applier;
    private final NotebookTokens secrets;
    private final TrackingProperties settings;
    private final String instance;

    TrackingService(DatabaseClient db, TeamAuthorizer authorizer, ClusterState cluster, LaunchChecks checks,
                    AuditLog audit, TransactionalOperator tx, TeamObjectApplier applier, NotebookTokens secrets,
                    TrackingProperties settings, Installation installation) {
        this.db = db;
        this.authorizer = authorizer;
        this.cluster = cluster;
        this.checks = checks;
        this.audit = audit;
        this.tx = tx;
        this.applier = applier;
        this.secrets = secrets;
        this.settings = settings;
        this.instance = installation.id();
    }

    /** The team's tracking: its owners, members and viewers, and platform admins. */
    public Mono<TrackingStatus> status(CurrentUser actor, String team) {
        return authorizer.require(actor, team, TeamPermission.VIEW).then(Mono.defer(() -> status(team)));
    }

    public Mono<TrackingStatus> enable(CurrentUser actor, String team) {
        String target = "tracking/" + team;
        Mono<TrackingStatus> useCase = authorizer.require(actor, team, TeamPermission.MANAGE)
                .then(Mono.fromRunnable(() -> checks.requireTeamOpen(team)))
                .then(Mono.defer(() -> status(team)))
                .flatMap(before -> {
                    String password = secrets.derived(PASSWORD_PURPOSE, instance, team);
                    return db.sql("select portal_admin.ensure_tracking_store(:team, :password)")
                            .bind("team", team).bind("password", password)
                            .fetch().first().then()
                            .onErrorMap(failure -> !(failure instanceof ApiException), failure -> {
                                log.warn("tracking store of team {} could not be made", team, failure);
                                return new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "Tracking store unavailable",
                                        "The team's tracking store could not be prepared in PostgreSQL; the "
                                                + "portal's database administrator must install "
                                                + "portal_admin.ensure_tracking_store (db/tracking-store.sql).");
                            })
                            .then(Mono.defer(() -> start(team, password)))
                            .then(save(actor, team, true))
                            .then(audit.record(actor, team, ACTION_ENABLE, target, before, true, Outcome.SUCCESS, ""))
                            .as(tx::transactional);
                })
                .then(Mono.defer(() -> status(team)));
        return audit.onFailure(useCase, actor, team, ACTION_ENABLE, target);
    }

    public Mono<TrackingStatus> disable(CurrentUser actor, String team) {
        String target = "tracking/" + team;
        Mono<TrackingStatus> useCase = authorizer.require(actor, team, TeamPermission.MANAGE)
                .then(Mono.defer(() -> status(team)))
                .flatMap(before -> stop(team)
                        .then(save(actor, team, false))
                        .then(audit.record(actor, team, ACTION_DISABLE, target, before, false, Outcome.SUCCESS, ""))
                        .as(tx::transactional))
                .then(Mono.defer(() -> status(team)));
        return audit.onFailure(useCase, actor, team, ACTION_DISABLE, target);
    }

    /** Whether the team's tracking is switched on (the row; what runs may still be starting). */
    public Mono<Boolean> enabled(String team) {
        return db.sql("select enabled from team_tracking where team_slug = :team").bind("team", team)
                .map(row -> Boolean.TRUE.equals(row.get("enabled", Boolean.class))).one().defaultIfEmpty(false);
    }

    @Override
    public Set<String> names() {
        return Set.of(TrackingResources.TRACKING_URI_ENV);
    }

    @Override
    public Mono<Map<String, String>> of(String team) {
        return enabled(team).map(on -> on ? Map.of(TrackingResources.TRACKING_URI_ENV,
                TrackingResources.trackingUri(team)) : Map.of());
    }

    private Mono<TrackingStatus> status(String team) {
        return db.sql("select * from team_tracking where team_slug = :team").bind("team", team)
                .map(row -> {
                    OffsetDateTime at = row.get("updated_at", OffsetDateTime.class);
                    return TrackingStatus.of(team, Boolean.TRUE.equals(row.get("enabled", Boolean.class)),
                            at == null ? null : at.toInstant(), row.get("updated_by", String.class), pods(team));
                })
                .one()
                .switchIfEmpty(Mono.fromSupplier(() -> TrackingStatus.of(team, false, null, null, pods(team))));
    }

    /** Where the team's tracking server answers now: its Ready pod's IP (informer), for the proxy. */
    public java.util.Optional<TrackingServer> readyServer(String team) {
        return pods(team).stream()
                .filter(PodHealth::serving)
                .findFirst()
                .map(pod -> new TrackingServer(pod.getStatus().getPodIP(), TrackingResources.PORT));
    }

    /** A Ready tracking server's address. */
    public record TrackingServer(String podIp, int port) {
    }

    /** The server's pods (informer), newest first. */
    private List<Pod> pods(String team) {
        String namespace = TeamNames.namespace(team);
        return cluster.portalPods().stream()
                .filter(pod -> namespace.equals(pod.getMetadata().getNamespace()))
                .filter(pod -> pod.getMetadata().getLabels() != null && TrackingResources.COMPONENT.equals(
                        pod.getMetadata().getLabels().get(TrackingResources.COMPONENT_LABEL)))
                .sorted(Comparator.comparing((Pod pod) -> String.valueOf(pod.getMetadata().getCreationTimestamp()))
                        .reversed())
                .toList();
    }

    private Mono<Void> save(CurrentUser actor, String team, boolean enabled) {
        return db.sql("""
                        insert into team_tracking (team_slug, enabled, updated_at, updated_by)
                        values (:team, :enabled, now(), :by)
                        on conflict (team_slug) do update set enabled = excluded.enabled, updated_at = now(),
                            updated_by = excluded.updated_by""")
                .bind("team", team).bind("enabled", enabled).bind("by", actor.username())
                .then();
    }

    private Mono<Void> start(String team, String password) {
        String secretName = TrackingResources.secretName(NotebookTokens.fingerprintOf(password));
        return applier.createOnce(TrackingResources.secret(team, instance, secretName, password))
                .then(applier.apply(TrackingResources.running(team, instance, settings, secretName)))
                .onErrorMap(WorkloadApplyException.class, TrackingService::clusterRefusal)
                .doOnSuccess(done -> log.info("tracking server of team {} applied", team));
    }

    /** Deletes the Deployment and Service by name; the claim, the Secret and the store stay. */
    private Mono<Void> stop(String team) {
        String namespace = TeamNames.namespace(team);
        return applier.delete(Deployment.class, namespace, TrackingResources.NAME)
                .then(applier.delete(Service.class, namespace, TrackingResources.NAME))
                .onErrorMap(WorkloadApplyException.class, TrackingService::clusterRefusal)
                .doOnSuccess(done -> log.info("tracking server of team {} stopped", team));
    }

    /** A quota's refusal (403 "exceeded quota") says what the team would have to free. */
    private static ApiException clusterRefusal(WorkloadApplyException refused) {
        String message = refused.getMessage() == null ? "" : refused.getMessage();
        if (message.contains("exceeded quota")) {
            return new ApiException(HttpStatus.CONFLICT, "Beyond the team's quota",
                    "The tracking server does not fit in the team's quota: " + message);
        }
        return new ApiException(refused.code() == 403 || refused.code() == 422 ? HttpStatus.UNPROCESSABLE_CONTENT
                : HttpStatus.BAD_GATEWAY, "Refused by the cluster", "Kubernetes refused it: " + message);
    }
}
