package ai.portal.jobs.serving;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import ai.portal.jobs.cluster.ClusterState;
import ai.portal.jobs.cluster.PodHealth;
import ai.portal.jobs.launch.LaunchChecks;
import ai.portal.jobs.serving.ModelRegistry.RegisteredModel;
import ai.portal.jobs.tracking.TrackingResources;
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
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.r2dbc.spi.Readable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The use cases of model serving: the team's registered models (from its MLflow registry), deploying a version,
 * reading and deleting deployments. Owners and members deploy and delete ({@link TeamPermission#EDIT}), every
 * member reads; every change and refusal is audited ({@code model.deploy}, {@code model.undeploy}). A deployment is
 * checked completely (input, team open, tracking on, the version in the registry, the name free, the team's quota)
 * before anything is written; the row and the objects are written together, and objects of a failed apply are
 * deleted again, so a refusal leaves nothing behind. Status comes from the pod informer.
 */
@org.springframework.stereotype.Service
public class ServingService {

    private static final Logger log = LoggerFactory.getLogger(ServingService.class);
    static final String ACTION_DEPLOY = "model.deploy";
    static final String ACTION_UNDEPLOY = "model.undeploy";
    static final String ACTION_UPDATE = "model.update";
    static final String ACTION_ROLLBACK = "model.rollback";

    private final DatabaseClient db;
    private final TeamAuthorizer authorizer;
    private final ClusterState cluster;
    private final LaunchChecks checks;
    private final AuditLog audit;
    private final TransactionalOperator tx;
    private final TeamObjectApplier applier;
    private final ModelRegistry registry;
    private final ServingProperties settings;
    private final String instance;

    ServingService(DatabaseClient db, TeamAuthorizer authorizer, ClusterState cluster, LaunchChecks checks,
                   AuditLog audit, TransactionalOperator tx, TeamObjectApplier applier, ModelRegistry registry,
                   ServingProperties settings, Installation installation) {
        this.db = db;
        this.authorizer = authorizer;
        this.cluster = cluster;
        this.checks = checks;
        this.audit = audit;
        this.tx = tx;
        this.applier = applier;
        this.registry = registry;
        this.settings = settings;
        this.instance = installation.id();
    }

    /** The team's registered models and their versions (any member). */
    public Mono<List<RegisteredModel>> models(CurrentUser actor, String team) {
        return authorizer.require(actor, team, TeamPermission.VIEW).then(Mono.defer(() -> registry.models(team)));
    }

    public Flux<ModelDeploymentView> list(CurrentUser actor, String team) {
        return authorizer.require(actor, team, TeamPermission.VIEW)
                .thenMany(Flux.defer(() -> db.sql("select * from model_deployment where team_slug = :team "
                                + "order by name")
                        .bind("team", team).map(row -> view(team, row)).all()));
    }

    public Mono<ModelDeploymentView> get(CurrentUser actor, String team, String name) {
        return authorizer.require(actor, team, TeamPermission.VIEW).then(Mono.defer(() -> find(team, name)))
                .switchIfEmpty(Mono.error(() -> notFound(team, name)));
    }

    public Mono<ModelDeploymentView> deploy(CurrentUser actor, String team, DeployRequest request) {
        String target = "model-deployment/" + team + "/" + (request == null ? "?" : request.name());
        Mono<ModelDeploymentView> useCase = authorizer.require(actor, team, TeamPermission.EDIT)
                .then(Mono.fromCallable(() -> {
                    ModelDeployment deployment = ServingValidator.validate(request, settings);
                    checks.requireTeamOpen(team);
                    return deployment;
                }))
                .flatMap(deployment -> registry.version(team, deployment.model(), deployment.version())
                        .then(find(team, deployment.name()).flatMap(taken -> Mono.<ModelDeployment>error(
                                new ApiException(HttpStatus.CONFLICT, "Name taken", "Team " + team + " already has "
                                        + "a model deployment named " + deployment.name() + ".").withField("name"))))
                        .then(Mono.fromRunnable(() -> requireQuota(team, deployment)))
                        .then(Mono.defer(() -> insert(actor, team, deployment)
                                .then(start(team, deployment))
                                .then(audit.record(actor, team, ACTION_DEPLOY, target, null, deployment,
                                        Outcome.SUCCESS, ""))
                                .as(tx::transactional)))
                        .then(Mono.defer(() -> find(team, deployment.name()))));
        return audit.onFailure(useCase, actor, team, ACTION_DEPLOY, target);
    }

    public Mono<Void> delete(CurrentUser actor, String team, String name) {
        String target = "model-deployment/" + team + "/" + name;
        Mono<Void> useCase = authorizer.require(actor, team, TeamPermission.EDIT)
                .then(Mono.defer(() -> row(team, name)))
                .switchIfEmpty(Mono.error(() -> notFound(team, name)))
                .flatMap(before -> stop(team, name)
                        .then(db.sql("delete from model_deployment where team_slug = :team and name = :name")
                                .bind("team", team).bind("name", name).then())
                        .then(audit.record(actor, team, ACTION_UNDEPLOY, target, before, null, Outcome.SUCCESS, ""))
                        .as(tx::transactional));
        return audit.onFailure(useCase, actor, team, ACTION_UNDEPLOY, target);
    }

    /**
     * Changes a deployment: another version of its model (a rolling update of the same Deployment: a new replica
     * comes up and turns Ready before an old one goes, {@code maxUnavailable 0}) and/or its rate limit. The version
     * must be in the team's registry and one more replica (the rollout's surge) must fit in the team's quota; the
     * version served before is kept for {@link #rollback}.
     */
    public Mono<ModelDeploymentView> update(CurrentUser actor, String team, String name, DeploymentUpdate request) {
        String target = "model-deployment/" + team + "/" + name;
        Mono<ModelDeploymentView> useCase = authorizer.require(actor, team, TeamPermission.EDIT)
                .then(Mono.fromRunnable(() -> checks.requireTeamOpen(team)))
                .then(Mono.defer(() -> stored(team, name)))
                .switchIfEmpty(Mono.error(() -> notFound(team, name)))
                .flatMap(before -> {
                    if (request == null || request.version() == null && request.rateLimit() == null) {
                        return Mono.error(new ApiException(HttpStatus.BAD_REQUEST, "Nothing to change",
                                "Name a version to roll out, a rate limit, or both.").withField("version"));
                    }
                    ModelDeployment after = before.deployment();
                    if (request.rateLimit() != null) {
                        after = after.withRateLimit(ServingValidator.rateLimit(request.rateLimit(), settings));
                    }
                    if (request.version() != null) {
                        after = after.withVersion(ServingValidator.version(request.version()));
                    }
                    return change(actor, team, before, after, ACTION_UPDATE, target);
                });
        return audit.onFailure(useCase, actor, team, ACTION_UPDATE, target);
    }

    /** Rolls back to the version served before the last rollout (a rollout like any other, so it can be undone). */
    public Mono<ModelDeploymentView> rollback(CurrentUser actor, String team, String name) {
        String target = "model-deployment/" + team + "/" + name;
        Mono<ModelDeploymentView> useCase = authorizer.require(actor, team, TeamPermission.EDIT)
                .then(Mono.fromRunnable(() -> checks.requireTeamOpen(team)))
                .then(Mono.defer(() -> stored(team, name)))
                .switchIfEmpty(Mono.error(() -> notFound(team, name)))
                .flatMap(before -> before.previousVersion() == null
                        ? Mono.<ModelDeploymentView>error(new ApiException(HttpStatus.CONFLICT,
                        "Nothing to roll back to", "Model deployment " + name + " of team " + team
                        + " has served only version " + before.deployment().version() + "."))
                        : change(actor, team, before, before.deployment().withVersion(before.previousVersion()),
                        ACTION_ROLLBACK, target));
        return audit.onFailure(useCase, actor, team, ACTION_ROLLBACK, target);
    }

    /** Writes the changed row and applies its objects in one transaction; a refused apply leaves the row as it was. */
    private Mono<ModelDeploymentView> change(CurrentUser actor, String team, Stored before, ModelDeployment after,
                                             String action, String target) {
        ModelDeployment current = before.deployment();
        boolean newVersion = after.version() != current.version();
        Mono<Void> versionChecks = !newVersion ? Mono.empty()
                : registry.version(team, after.model(), after.version())
                .then(Mono.fromRunnable(() -> requireQuota(team, after.withReplicas(1))));
        Integer previous = newVersion ? Integer.valueOf(current.version()) : before.previousVersion();
        return versionChecks
                .then(Mono.defer(() -> db.sql("""
                                update model_deployment set version = :version, rate_limit = :rateLimit,
                                    previous_version = :previous, updated_at = now(), updated_by = :by
                                where team_slug = :team and name = :name""")
                        .bind("version", after.version()).bind("rateLimit", after.rateLimit())
                        .bind("previous", Parameter.fromOrEmpty(previous, Integer.class))
                        .bind("by", actor.username()).bind("team", team).bind("name", after.name())
                        .then()
                        .then(newVersion ? applier.apply(ServingResources.desired(team, instance, after, settings))
                                .onErrorMap(WorkloadApplyException.class, ServingService::clusterRefusal)
                                : Mono.<Void>empty())
                        .then(audit.record(actor, team, action, target, current, after, Outcome.SUCCESS,
                                newVersion ? "version " + current.version() + " -> " + after.version() : ""))
                        .as(tx::transactional)))
                .doOnSuccess(done -> {
                    if (newVersion) {
                        log.info("model deployment {}/{}: rolling out version {} (was {})", team, after.name(),
                                after.version(), current.version());
                    }
                })
                .then(Mono.defer(() -> find(team, after.name())));
    }

    /** A deployment's row with its team, for the reconciler. */
    record Row(String team, ModelDeployment deployment) {
    }

    /** Every team's deployments (the reconciler's pass). */
    Flux<Row> all() {
        return db.sql("select * from model_deployment order by team_slug, name")
                .map(row -> new Row(row.get("team_slug", String.class), deploymentOf(row))).all();
    }

    /** Applies a deployment's objects as its row says (server-side apply: a no-op when nothing differs). */
    Mono<Void> reapply(String team, ModelDeployment deployment) {
        return applier.apply(ServingResources.desired(team, instance, deployment, settings));
    }

    /** Deletes the objects of the deployment {@code name} in {@code namespace} (one no row wants). */
    Mono<Void> deleteObjects(String namespace, String name) {
        return TeamNames.slugOfNamespace(namespace).map(team -> stop(team, name)).orElse(Mono.empty());
    }

    /** A Ready replica of the team's deployment, for the gateway: its pod IP (informer) and port. */
    Optional<ModelServer> readyServer(String team, String name) {
        List<Pod> ready = pods(team, name).stream().filter(PodHealth::serving).toList();
        if (ready.isEmpty()) {
            return Optional.empty();
        }
        // spread requests over the Ready replicas, as a Service would
        Pod pod = ready.get(ThreadLocalRandom.current().nextInt(ready.size()));
        return Optional.of(new ModelServer(pod.getStatus().getPodIP(), ServingResources.PORT, 0));
    }

    /**
     * Where the gateway sends a request for the team's deployment: a Ready replica, with the deployment's rate limit
     * (its row: one indexed read per request, so a changed limit applies at once); {@link NoServer} when the team
     * has no such deployment or none of its replicas is Ready.
     */
    public Mono<ModelServer> route(String team, String name) {
        return db.sql("select rate_limit from model_deployment where team_slug = :team and name = :name")
                .bind("team", team).bind("name", name).map(row -> row.get("rate_limit", Integer.class)).one()
                .switchIfEmpty(Mono.error(() -> new NoServer(false)))
                .flatMap(rateLimit -> Mono.justOrEmpty(readyServer(team, name))
                        .map(server -> new ModelServer(server.podIp(), server.port(), rateLimit))
                        .switchIfEmpty(Mono.error(() -> new NoServer(true))));
    }

    /** No replica to send a request to: the deployment is not there ({@code deployed} false) or not Ready. */
    public static final class NoServer extends RuntimeException {
        private final boolean deployed;

        NoServer(boolean deployed) {
            super(deployed ? "no Ready replica" : "no such deployment", null, false, false);
            this.deployed = deployed;
        }

        public boolean deployed() {
            return deployed;
        }
    }

    /** A Ready model server's address, and the deployment's requests per second per caller. */
    public record ModelServer(String podIp, int port, int rateLimit) {
    }

    /** The deployment's pods (informer): this installation's, of this team's deployment of that name. */
    private List<Pod> pods(String team, String name) {
        String namespace = TeamNames.namespace(team);
        return cluster.portalPods().stream()
                .filter(pod -> namespace.equals(pod.getMetadata().getNamespace()))
                .filter(pod -> pod.getMetadata().getLabels() != null
                        && ServingResources.COMPONENT.equals(pod.getMetadata().getLabels()
                        .get(TrackingResources.COMPONENT_LABEL))
                        && name.equals(pod.getMetadata().getLabels().get(ServingResources.DEPLOYMENT_LABEL)))
                .toList();
    }

    private Mono<ModelDeploymentView> find(String team, String name) {
        return db.sql("select * from model_deployment where team_slug = :team and name = :name")
                .bind("team", team).bind("name", name).map(row -> view(team, row)).one();
    }

    private Mono<ModelDeployment> row(String team, String name) {
        return stored(team, name).map(Stored::deployment);
    }

    /** The row: what the team asked for and the version it served before. */
    private record Stored(ModelDeployment deployment, Integer previousVersion) {
    }

    private Mono<Stored> stored(String team, String name) {
        return db.sql("select * from model_deployment where team_slug = :team and name = :name")
                .bind("team", team).bind("name", name)
                .map(row -> new Stored(deploymentOf(row), row.get("previous_version", Integer.class))).one();
    }

    private ModelDeploymentView view(String team, Readable row) {
        ModelDeployment deployment = deploymentOf(row);
        OffsetDateTime created = row.get("created_at", OffsetDateTime.class);
        OffsetDateTime updated = row.get("updated_at", OffsetDateTime.class);
        return new ModelDeploymentView(team, deployment.name(), deployment.model(), deployment.version(),
                row.get("previous_version", Integer.class), deployment.replicas(), deployment.cpu(),
                deployment.memory(), deployment.rateLimit(),
                ServingStatus.of(deployment, pods(team, deployment.name()),
                        quotaRefusals(team, deployment.name(), updated == null ? null : updated.toInstant()),
                        Instant.now()),
                invocationsPath(team, deployment.name()), created == null ? null : created.toInstant(),
                row.get("created_by", String.class), updated == null ? null : updated.toInstant(),
                row.get("updated_by", String.class));
    }

    /**
     * The quota's refusals to create this deployment's pods since it last changed (its ReplicaSets' FailedCreate
     * events, informer): with no pod at all, they are the only sign of why a rollout or a start does not progress.
     */
    private List<Event> quotaRefusals(String team, String name, Instant since) {
        return cluster.events(TeamNames.namespace(team), "ReplicaSet", ServingResources.objectName(name) + "-",
                        "FailedCreate").stream()
                .filter(event -> event.getMessage() != null && event.getMessage().contains("exceeded quota"))
                .filter(event -> since == null || !instant(ClusterState.eventTime(event)).isBefore(since))
                .toList();
    }

    private static Instant instant(String time) {
        try {
            return Instant.parse(time);
        } catch (RuntimeException unreadable) {
            return Instant.EPOCH;
        }
    }

    /** Where the gateway serves a deployment's model. */
    public static String invocationsPath(String team, String name) {
        return "/models/" + team + "/" + name + "/invocations";
    }

    private static ModelDeployment deploymentOf(Readable row) {
        return new ModelDeployment(row.get("name", String.class), row.get("model", String.class),
                row.get("version", Integer.class), row.get("replicas", Integer.class), row.get("cpu", String.class),
                row.get("memory", String.class), row.get("rate_limit", Integer.class));
    }

    private Mono<Void> insert(CurrentUser actor, String team, ModelDeployment deployment) {
        return db.sql("""
                        insert into model_deployment (team_slug, name, model, version, replicas, cpu, memory, rate_limit,
                                                      created_by, updated_by)
                        values (:team, :name, :model, :version, :replicas, :cpu, :memory, :rateLimit, :by, :by)""")
                .bind("team", team).bind("name", deployment.name()).bind("model", deployment.model())
                .bind("version", deployment.version()).bind("replicas", deployment.replicas())
                .bind("cpu", deployment.cpu()).bind("memory", deployment.memory())
                .bind("rateLimit", deployment.rateLimit()).bind("by", actor.username())
                .then()
                // a concurrent deploy of the same name got there first
                .onErrorMap(DataIntegrityViolationException.class, taken -> new ApiException(HttpStatus.CONFLICT,
                        "Name taken", "Team " + team + " already has a model deployment named " + deployment.name()
                        + ".").withField("name"));
    }

    /** Applies the objects; when the cluster refuses one, what was applied before it is deleted again. */
    private Mono<Void> start(String team, ModelDeployment deployment) {
        return applier.apply(ServingResources.desired(team, instance, deployment, settings))
                .onErrorResume(WorkloadApplyException.class, refused -> stop(team, deployment.name())
                        .onErrorResume(cleanup -> {
                            log.warn("model deployment {}/{}: cleaning up after a refused apply failed", team,
                                    deployment.name(), cleanup);
                            return Mono.empty();
                        })
                        .then(Mono.error(clusterRefusal(refused))))
                .doOnSuccess(done -> log.info("model deployment {}/{} applied ({} version {}, {} replicas)", team,
                        deployment.name(), deployment.model(), deployment.version(), deployment.replicas()));
    }

    /** Deletes the Deployment, budget and Service by name (absent is fine). */
    private Mono<Void> stop(String team, String name) {
        String namespace = TeamNames.namespace(team);
        String object = ServingResources.objectName(name);
        return applier.delete(Deployment.class, namespace, object)
                .then(applier.delete(PodDisruptionBudget.class, namespace, object))
                .then(applier.delete(Service.class, namespace, object))
                .onErrorMap(WorkloadApplyException.class, ServingService::clusterRefusal);
    }

    /**
     * Every replica's requests must fit in what the team's ResourceQuota has left (informer): a Deployment beyond it
     * would be accepted and its pods refused one by one, half-serving. Refused with what is short.
     */
    private void requireQuota(String team, ModelDeployment deployment) {
        Optional<ResourceQuota> quota = cluster.teamQuota(TeamNames.namespace(team));
        if (quota.isEmpty() || quota.get().getStatus() == null || quota.get().getStatus().getHard() == null) {
            return;
        }
        Map<String, Quantity> hard = quota.get().getStatus().getHard();
        Map<String, Quantity> used = quota.get().getStatus().getUsed() == null ? Map.of()
                : quota.get().getStatus().getUsed();
        BigDecimal replicas = BigDecimal.valueOf(deployment.replicas());
        Map<String, BigDecimal> needed = Map.of(
                "requests.cpu", Quantity.getAmountInBytes(new Quantity(deployment.cpu())).multiply(replicas),
                "requests.memory", Quantity.getAmountInBytes(new Quantity(deployment.memory())).multiply(replicas),
                "limits.memory", Quantity.getAmountInBytes(new Quantity(deployment.memory())).multiply(replicas),
                "count/pods", replicas,
                "pods", replicas);
        List<String> missing = new ArrayList<>();
        needed.forEach((resource, need) -> {
            Quantity limit = hard.get(resource);
            if (limit == null) {
                return;
            }
            BigDecimal free = Quantity.getAmountInBytes(limit).subtract(used.containsKey(resource)
                    ? Quantity.getAmountInBytes(used.get(resource)) : BigDecimal.ZERO);
            if (need.compareTo(free) > 0) {
                missing.add(resource + ": needs " + need.stripTrailingZeros().toPlainString() + ", "
                        + free.max(BigDecimal.ZERO).stripTrailingZeros().toPlainString() + " left of "
                        + limit);
            }
        });
        if (!missing.isEmpty()) {
            throw new ApiException(HttpStatus.CONFLICT, "Beyond the team's quota", deployment.replicas()
                    + " replica(s) of " + deployment.cpu() + " CPU and " + deployment.memory() + " memory do not fit "
                    + "in what team " + team + "'s quota has left (" + String.join("; ", missing.stream().sorted()
                    .toList()) + "). Ask for fewer or smaller replicas, or free some of the team's quota.")
                    .withField("replicas");
        }
    }

    private static ApiException notFound(String team, String name) {
        return new ApiException(HttpStatus.NOT_FOUND, "Model deployment not found",
                "Team " + team + " has no model deployment named " + name + ".");
    }

    /** A quota's refusal (403 "exceeded quota") says what the team would have to free. */
    private static ApiException clusterRefusal(WorkloadApplyException refused) {
        String message = refused.getMessage() == null ? "" : refused.getMessage();
        if (message.contains("exceeded quota")) {
            return new ApiException(HttpStatus.CONFLICT, "Beyond the team's quota",
                    "The model server does not fit in the team's quota: " + message);
        }
        return new ApiException(refused.code() == 403 || refused.code() == 422 ? HttpStatus.UNPROCESSABLE_CONTENT
                : HttpStatus.BAD_GATEWAY, "Refused by the cluster", "Kubernetes refused it: " + message);
    }
}
