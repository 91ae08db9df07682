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
import ai.portal.jobs.cluster.GpuInventory;
import ai.portal.jobs.cluster.PodHealth;
import ai.portal.jobs.launch.LaunchChecks;
import ai.portal.jobs.serving.ModelRegistry.RegisteredModel;
import ai.portal.jobs.status.RightSizing;
import ai.portal.jobs.tracking.TrackingResources;
import ai.portal.jobs.workload.TeamObjectApplier;
import ai.portal.jobs.workload.WorkloadApplyException;
import ai.portal.platform.audit.AuditEvent.Outcome;
import ai.portal.platform.audit.AuditLog;
import ai.portal.platform.installation.Installation;
import ai.portal.platform.problem.ApiException;
import ai.portal.platform.security.CurrentUser;
import ai.portal.platform.team.GpuResources;
import ai.portal.platform.team.TeamAuthorizer;
import ai.portal.platform.team.TeamNames;
import ai.portal.platform.team.TeamPermission;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
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
    /** The field manager that holds an autoscaled Deployment's replica count until the HPA controller takes it. */
    static final String HANDOVER_SUFFIX = "-handover-to-hpa";

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
                    requireGpuTypeOnCluster(deployment);
                    checks.requireTeamOpen(team);
                    return deployment;
                }))
                .flatMap(deployment -> registry.version(team, deployment.model(), deployment.version())
                        .then(find(team, deployment.name()).flatMap(taken -> Mono.<ModelDeployment>error(
                                new ApiException(HttpStatus.CONFLICT, "Name taken", "Team " + team + " already has "
                                        + "a model deployment named " + deployment.name() + ".").withField("name"))))
                        .then(Mono.fromRunnable(() -> {
                            requireQuota(team, deployment);
                            requireQuotaCeiling(team, deployment);
                        }))
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
        // the row is locked before the objects go: a reconciler pass applying it again (reapply, which locks it
        // too) either finishes first or finds it gone. Read without the lock, the pass re-created the HPA between
        // this deleting it and the Deployment, and the HPA outlived its deployment (no pod, so no orphan either).
        Mono<Void> useCase = authorizer.require(actor, team, TeamPermission.EDIT)
                .then(Mono.defer(() -> lockedRow(team, name)
                        .switchIfEmpty(Mono.error(() -> notFound(team, name)))
                        .flatMap(before -> stop(team, name)
                                .then(db.sql("delete from model_deployment where team_slug = :team and name = :name")
                                        .bind("team", team).bind("name", name).then())
                                .then(audit.record(actor, team, ACTION_UNDEPLOY, target, before, null,
                                        Outcome.SUCCESS, "")))
                        .as(tx::transactional)));
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
                    if (request == null || request.version() == null && request.rateLimit() == null
                            && request.replicas() == null && request.autoscaling() == null && request.cpu() == null
                            && request.memory() == null && request.gpuType() == null && request.gpus() == null) {
                        return Mono.error(new ApiException(HttpStatus.BAD_REQUEST, "Nothing to change",
                                "Name a version to roll out, a rate limit, a replica count, autoscaling, or a new "
                                        + "CPU, memory or GPU size.").withField("version"));
                    }
                    if (request.replicas() != null && request.autoscaling() != null) {
                        return Mono.error(new ApiException(HttpStatus.BAD_REQUEST, "Invalid model deployment",
                                "Ask for a fixed number of replicas (autoscaling off) or for autoscaling, not both.")
                                .withField("replicas"));
                    }
                    ModelDeployment after = before.deployment();
                    if (request.rateLimit() != null) {
                        after = after.withRateLimit(ServingValidator.rateLimit(request.rateLimit(), settings));
                    }
                    if (request.version() != null) {
                        after = after.withVersion(ServingValidator.version(request.version()));
                    }
                    if (request.replicas() != null) {
                        after = after.withFixedReplicas(ServingValidator.replicas(request.replicas(), settings));
                    }
                    if (request.cpu() != null || request.memory() != null) {
                        after = after.withSize(request.cpu() == null ? after.cpu()
                                        : ServingValidator.cpu(request.cpu(), settings),
                                request.memory() == null ? after.memory()
                                        : ServingValidator.memory(request.memory(), settings));
                    }
                    if (request.gpus() != null || request.gpuType() != null) {
                        // a count alone keeps the type the replicas have; a type alone moves the GPUs they hold
                        int gpus = request.gpus() == null ? after.gpus()
                                : ServingValidator.gpus(request.gpus(), settings);
                        String type = request.gpuType() != null ? request.gpuType()
                                : gpus == 0 ? null : after.gpuType();
                        after = after.withGpus(ServingValidator.gpuType(type, gpus), gpus);
                        requireGpuTypeOnCluster(after);
                    }
                    if (request.autoscaling() != null) {
                        after = after.withAutoscaling(ServingValidator.autoscaling(request.autoscaling(),
                                after.holdsGpus(), settings));
                    } else if (after.autoscaled() && after.autoscaling().gpuUtilization() != null
                            && !after.holdsGpus()) {
                        return Mono.error(new ApiException(HttpStatus.BAD_REQUEST, "Invalid model deployment",
                                "Autoscaling scales " + name + " on GPU utilisation, which needs GPUs: send a new "
                                        + "autoscaling policy (CPU, memory or requests per second) with gpus 0.")
                                .withField("gpus"));
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
        boolean newScaling = after.replicas() != current.replicas()
                || !java.util.Objects.equals(after.autoscaling(), current.autoscaling());
        boolean newSize = !after.cpu().equals(current.cpu()) || !after.memory().equals(current.memory())
                || after.gpus() != current.gpus() || !java.util.Objects.equals(after.gpuType(), current.gpuType());
        Mono<Void> versionChecks = !newVersion ? Mono.empty()
                : registry.version(team, after.model(), after.version())
                .then(Mono.fromRunnable(() -> requireQuota(team, after.withReplicas(1))));
        // a new size rolls out like a new version: one more replica of the new size at a time, and every replica
        // autoscaling may run at the new size within the quota
        Mono<Void> sizeChecks = !newSize ? Mono.empty() : Mono.fromRunnable(() -> {
            requireQuota(team, after.withReplicas(1));
            requireQuotaCeiling(team, after);
        });
        Mono<Void> scalingChecks = !newScaling ? Mono.empty() : Mono.fromRunnable(() -> {
            // replicas beyond those running now must fit in what the quota has left; all of autoscaling's in it
            int more = after.replicas() - runningReplicas(team, current);
            if (more > 0) {
                requireQuota(team, after.withReplicas(more));
            }
            requireQuotaCeiling(team, after);
        });
        Integer previous = newVersion ? Integer.valueOf(current.version()) : before.previousVersion();
        List<String> changes = new ArrayList<>();
        if (newVersion) {
            changes.add("version " + current.version() + " -> " + after.version());
        }
        if (newScaling) {
            changes.add(scaling(current) + " -> " + scaling(after));
        }
        if (newSize) {
            changes.add("size " + size(current) + " -> " + size(after));
        }
        return versionChecks.then(scalingChecks).then(sizeChecks)
                .then(Mono.defer(() -> db.sql("""
                                update model_deployment set version = :version, rate_limit = :rateLimit,
                                    previous_version = :previous, replicas = :replicas, min_replicas = :min,
                                    max_replicas = :max, target_cpu_percent = :cpu_target,
                                    target_memory_percent = :memory_target,
                                    target_rps = :rps, target_gpu_percent = :gpu, scale_down_seconds = :window,
                                    cpu = :cpu, memory = :memory, gpu_type = :gpuType, gpus = :gpus,
                                    updated_at = now(), updated_by = :by
                                where team_slug = :team and name = :name""")
                        .bindValues(autoscalingColumns(after))
                        .bind("version", after.version()).bind("rateLimit", after.rateLimit())
                        .bind("previous", Parameter.fromOrEmpty(previous, Integer.class))
                        .bind("replicas", after.replicas())
                        .bind("cpu", after.cpu()).bind("memory", after.memory())
                        .bind("gpuType", Parameter.fromOrEmpty(after.gpuType(), String.class))
                        .bind("gpus", after.gpus())
                        .bind("by", actor.username()).bind("team", team).bind("name", after.name())
                        .then()
                        .then(newVersion || newScaling || newSize ? applyObjects(team, after)
                                .onErrorMap(WorkloadApplyException.class, ServingService::clusterRefusal)
                                : Mono.<Void>empty())
                        .then(audit.record(actor, team, action, target, current, after, Outcome.SUCCESS,
                                String.join("; ", changes)))
                        .as(tx::transactional)))
                .doOnSuccess(done -> {
                    if (newVersion) {
                        log.info("model deployment {}/{}: rolling out version {} (was {})", team, after.name(),
                                after.version(), current.version());
                    }
                    if (newScaling) {
                        log.info("model deployment {}/{}: {} (was {})", team, after.name(), scaling(after),
                                scaling(current));
                    }
                    if (newSize) {
                        log.info("model deployment {}/{}: resized to {} (was {})", team, after.name(), size(after),
                                size(current));
                    }
                })
                .then(Mono.defer(() -> find(team, after.name())));
    }

    /** "2 replicas" or "autoscaling 1..3", for the audit's detail and the log. */
    private static String scaling(ModelDeployment deployment) {
        return deployment.autoscaled() ? "autoscaling " + deployment.autoscaling().minReplicas() + ".."
                + deployment.autoscaling().maxReplicas() : deployment.replicas() + " replicas";
    }

    /** The row's autoscaling columns as bind values (all null without autoscaling), for its insert and update. */
    private static java.util.Map<String, Parameter> autoscalingColumns(ModelDeployment deployment) {
        return java.util.Map.of(
                "min", Parameter.fromOrEmpty(policy(deployment, ModelAutoscaling::minReplicas), Integer.class),
                "max", Parameter.fromOrEmpty(policy(deployment, ModelAutoscaling::maxReplicas), Integer.class),
                "cpu_target", Parameter.fromOrEmpty(policy(deployment, ModelAutoscaling::cpuUtilization),
                        Integer.class),
                "memory_target", Parameter.fromOrEmpty(policy(deployment, ModelAutoscaling::memoryUtilization),
                        Integer.class),
                "rps", Parameter.fromOrEmpty(policy(deployment, ModelAutoscaling::requestsPerSecond),
                        BigDecimal.class),
                "gpu", Parameter.fromOrEmpty(policy(deployment, ModelAutoscaling::gpuUtilization), Integer.class),
                "window", Parameter.fromOrEmpty(policy(deployment, ModelAutoscaling::scaleDownStabilizationSeconds),
                        Integer.class));
    }

    private static <T> T policy(ModelDeployment deployment, java.util.function.Function<ModelAutoscaling, T> field) {
        return deployment.autoscaling() == null ? null : field.apply(deployment.autoscaling());
    }

    /** Replicas its Deployment asks for now (informer; with autoscaling, what the HPA controller set), else the row's. */
    private int runningReplicas(String team, ModelDeployment deployment) {
        return cluster.deployment(TeamNames.namespace(team), ServingResources.objectName(deployment.name()))
                .map(found -> found.getSpec().getReplicas()).orElse(deployment.replicas());
    }

    /**
     * Applies a deployment's objects (server-side apply, forced). With a fixed count the HPA goes first (else its
     * controller would set the count again after us) and the Deployment carries {@code spec.replicas}, which takes
     * the field back. With autoscaling the Deployment carries no {@code spec.replicas} once it exists, and if this
     * field manager still owns the field (it created the Deployment, or the count was fixed before), the count is
     * first handed over: applied unchanged under a manager of its own, so dropping ours leaves it where it is instead
     * of resetting it to 1; the HPA controller's next change takes it from that manager (DESIGN.md).
     */
    private Mono<Void> applyObjects(String team, ModelDeployment deployment) {
        String namespace = TeamNames.namespace(team);
        String object = ServingResources.objectName(deployment.name());
        Optional<Deployment> live = cluster.deployment(namespace, object);
        // where the cluster runs a VPA recommender, a recommendation-only VPA beside the Deployment
        Mono<Void> rightSizer = cluster.rightSizing()
                ? applier.apply(List.of(ServingResources.rightSizer(team, instance, deployment))) : Mono.empty();
        if (!deployment.autoscaled()) {
            Mono<Void> noAutoscaler = cluster.autoscaler(namespace, object).isPresent()
                    ? applier.delete(HorizontalPodAutoscaler.class, namespace, object) : Mono.empty();
            return noAutoscaler.then(applier.apply(ServingResources.desired(team, instance, deployment, settings,
                    true))).then(rightSizer);
        }
        Mono<Void> handOver = live.filter(found -> ServingResources.ownsReplicas(found, applier.fieldManager()))
                .map(found -> applier.applyUnforced(ServingResources.replicasOnly(team, deployment.name(),
                                found.getSpec().getReplicas()), applier.fieldManager() + HANDOVER_SUFFIX)
                        .doOnNext(handed -> log.info("model deployment {}/{}: replica count {} {}", team,
                                deployment.name(), found.getSpec().getReplicas(), handed
                                        ? "handed over to the HPA controller" : "already the HPA controller's"))
                        .then())
                .orElse(Mono.empty());
        return handOver.then(applier.apply(ServingResources.desired(team, instance, deployment, settings,
                live.isEmpty()))).then(rightSizer);
    }

    /** A deployment's row with its team, for the reconciler. */
    record Row(String team, ModelDeployment deployment) {
    }

    /** Every team's deployments (the reconciler's pass). */
    Flux<Row> all() {
        return db.sql("select * from model_deployment order by team_slug, name")
                .map(row -> new Row(row.get("team_slug", String.class), deploymentOf(row))).all();
    }

    /**
     * Applies a deployment's objects as its row says now (server-side apply: a no-op when nothing differs), with the
     * row locked ({@code for update}) while they are applied. A change in flight holds that lock from its update
     * to its commit, so it either commits first (and this applies what it wrote) or waits for this; applying a row
     * read before the change would undo it (seen: a PATCH to a fixed count deleted the HPA, and a reconciler pass that
     * had read the autoscaled row a moment before created it again). A row deleted meanwhile is skipped.
     */
    Mono<Void> reapply(String team, String name) {
        return lockedRow(team, name).flatMap(deployment -> applyObjects(team, deployment)).as(tx::transactional);
    }

    /** The row, locked until the calling transaction ends: reapply and delete take it so they never interleave. */
    private Mono<ModelDeployment> lockedRow(String team, String name) {
        return db.sql("select * from model_deployment where team_slug = :team and name = :name for update")
                .bind("team", team).bind("name", name).map(ServingService::deploymentOf).one();
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
        AutoscalingStatus autoscaling = deployment.autoscaled() ? AutoscalingStatus.of(deployment.autoscaling(),
                cluster.autoscaler(TeamNames.namespace(team), ServingResources.objectName(deployment.name())))
                : null;
        // with autoscaling, "k of n replicas" counts against what the HPA controller wants now
        ModelDeployment wanted = autoscaling == null || autoscaling.desiredReplicas() == null ? deployment
                : deployment.withReplicas(Math.max(1, autoscaling.desiredReplicas()));
        return new ModelDeploymentView(team, deployment.name(), deployment.model(), deployment.version(),
                row.get("previous_version", Integer.class), deployment.replicas(), deployment.cpu(),
                deployment.memory(), deployment.gpuType(), deployment.gpus(), deployment.rateLimit(),
                deployment.autoscaling(),
                ServingStatus.of(wanted, pods(team, deployment.name()),
                        quotaRefusals(team, deployment.name(), updated == null ? null : updated.toInstant()),
                        Instant.now()),
                autoscaling, invocationsPath(team, deployment.name()), created == null ? null : created.toInstant(),
                row.get("created_by", String.class), updated == null ? null : updated.toInstant(),
                row.get("updated_by", String.class), rightSizing(team, deployment));
    }

    /** One model server's requests against its VPA's recommendation (informers), where the cluster has one. */
    private RightSizing rightSizing(String team, ModelDeployment deployment) {
        if (!cluster.rightSizing()) {
            return RightSizing.unavailable();
        }
        String namespace = TeamNames.namespace(team);
        String object = ServingResources.objectName(deployment.name());
        return RightSizing.of(cluster.rightSizer(namespace, object).orElse(null),
                cluster.rightSizerCheckpoint(namespace, object, ServingResources.CONTAINER).orElse(null),
                ServingResources.CONTAINER, deployment.cpu(), deployment.memory());
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
        Integer max = row.get("max_replicas", Integer.class);
        ModelAutoscaling autoscaling = max == null ? null : new ModelAutoscaling(
                row.get("min_replicas", Integer.class), max, row.get("target_cpu_percent", Integer.class),
                row.get("target_memory_percent", Integer.class), Optional.ofNullable(row.get("target_rps",
                BigDecimal.class)).map(ServingValidator::plain).orElse(null),
                row.get("target_gpu_percent", Integer.class), row.get("scale_down_seconds", Integer.class));
        return new ModelDeployment(row.get("name", String.class), row.get("model", String.class),
                row.get("version", Integer.class), row.get("replicas", Integer.class), row.get("cpu", String.class),
                row.get("memory", String.class), row.get("gpu_type", String.class), row.get("gpus", Integer.class),
                row.get("rate_limit", Integer.class), autoscaling);
    }

    private Mono<Void> insert(CurrentUser actor, String team, ModelDeployment deployment) {
        return db.sql("""
                        insert into model_deployment (team_slug, name, model, version, replicas, cpu, memory, gpu_type,
                                                      gpus, rate_limit, min_replicas, max_replicas,
                                                      target_cpu_percent, target_memory_percent, target_rps,
                                                      target_gpu_percent, scale_down_seconds, created_by, updated_by)
                        values (:team, :name, :model, :version, :replicas, :cpu, :memory, :gpuType, :gpus,
                                :rateLimit, :min, :max, :cpu_target, :memory_target, :rps, :gpu, :window, :by, :by)""")
                .bind("team", team).bind("name", deployment.name()).bind("model", deployment.model())
                .bind("version", deployment.version()).bind("replicas", deployment.replicas())
                .bind("cpu", deployment.cpu()).bind("memory", deployment.memory())
                .bind("gpuType", Parameter.fromOrEmpty(deployment.gpuType(), String.class))
                .bind("gpus", deployment.gpus())
                .bind("rateLimit", deployment.rateLimit())
                .bindValues(autoscalingColumns(deployment))
                .bind("by", actor.username())
                .then()
                // a concurrent deploy of the same name got there first
                .onErrorMap(DataIntegrityViolationException.class, taken -> new ApiException(HttpStatus.CONFLICT,
                        "Name taken", "Team " + team + " already has a model deployment named " + deployment.name()
                        + ".").withField("name"));
    }

    /** Applies the objects; when the cluster refuses one, what was applied before it is deleted again. */
    private Mono<Void> start(String team, ModelDeployment deployment) {
        return applyObjects(team, deployment)
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

    /** Deletes the autoscaler, right-sizer, Deployment, budget and Service by name (absent is fine). */
    private Mono<Void> stop(String team, String name) {
        String namespace = TeamNames.namespace(team);
        String object = ServingResources.objectName(name);
        Mono<Void> rightSizer = cluster.rightSizing()
                ? applier.delete(ClusterState.RIGHT_SIZERS, namespace, object) : Mono.empty();
        return applier.delete(HorizontalPodAutoscaler.class, namespace, object)
                .then(rightSizer)
                .then(applier.delete(Deployment.class, namespace, object))
                .then(applier.delete(PodDisruptionBudget.class, namespace, object))
                .then(applier.delete(Service.class, namespace, object))
                .onErrorMap(WorkloadApplyException.class, ServingService::clusterRefusal);
    }

    /**
     * Every replica's requests must fit in what the team's ResourceQuota has left (informer): a Deployment beyond it
     * would be accepted and its pods refused one by one, half-serving. Refused (409) with what is short.
     */
    private void requireQuota(String team, ModelDeployment deployment) {
        List<String> missing = beyondQuota(team, deployment, deployment.replicas(), true);
        if (!missing.isEmpty()) {
            throw new ApiException(HttpStatus.CONFLICT, "Beyond the team's quota", deployment.replicas()
                    + " replica(s) of " + size(deployment) + " do not fit in what team " + team + "'s quota has left ("
                    + String.join("; ", missing) + "). Ask for fewer or smaller replicas, or free some of the team's "
                    + "quota.").withField(gpusShort(missing) ? "gpus" : "replicas");
        }
    }

    /** One replica's size in words: "500m CPU and 1Gi memory", or "500m CPU, 1Gi memory and 1 <type> GPU(s)". */
    private static String size(ModelDeployment deployment) {
        return deployment.cpu() + " CPU" + (deployment.holdsGpus() ? ", " : " and ") + deployment.memory()
                + " memory" + (deployment.holdsGpus() ? " and " + deployment.gpus() + " " + deployment.gpuType()
                + " GPU(s)" : "");
    }

    private static boolean gpusShort(List<String> missing) {
        return missing.stream().allMatch(item -> item.contains(GpuResources.RESOURCE) || item.startsWith("GPUs"));
    }

    /**
     * Refuses (400) a GPU type no node of the cluster has, and more GPUs per replica than its largest node has: such a
     * replica would stay Pending forever. Where the type is offered is the catalogue's and the nodes' business; a
     * type the catalogue lists but no node has yet is refused too (nothing could run it).
     */
    private void requireGpuTypeOnCluster(ModelDeployment deployment) {
        if (!deployment.holdsGpus()) {
            return;
        }
        GpuInventory inventory = GpuInventory.of(cluster);
        Optional<GpuInventory.GpuTypeCapacity> type = inventory.type(deployment.gpuType());
        if (type.isEmpty()) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "Invalid model deployment", "The cluster has no GPU "
                    + "type " + deployment.gpuType() + "; it has " + (inventory.byType().isEmpty() ? "no GPU nodes"
                    : String.join(", ", inventory.byType().keySet())) + ".").withField("gpuType");
        }
        if (type.get().largestNode() < deployment.gpus()) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "Invalid model deployment", "No " + deployment.gpuType()
                    + " node has " + deployment.gpus() + " GPUs; the largest has " + type.get().largestNode()
                    + ", and one replica runs on one node.").withField("gpus");
        }
    }

    /**
     * An autoscaled deployment's maxReplicas must fit in the team's whole quota (its hard limits, not what is left:
     * other workloads come and go, and the status says when the quota holds a scale-out back). A maximum the quota
     * could never hold is refused (422) with what is short.
     */
    private void requireQuotaCeiling(String team, ModelDeployment deployment) {
        if (!deployment.autoscaled()) {
            return;
        }
        int max = deployment.autoscaling().maxReplicas();
        List<String> missing = beyondQuota(team, deployment, max, false);
        if (!missing.isEmpty()) {
            throw new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, "Beyond the team's quota", "maxReplicas " + max
                    + " of " + size(deployment) + " would not fit in team " + team + "'s quota even with nothing else "
                    + "running (" + String.join("; ", missing) + "). Ask for fewer or smaller replicas, or for more "
                    + "quota.").withField("autoscaling.maxReplicas");
        }
    }

    /**
     * What {@code replicas} replicas would need beyond what the quota has left ({@code left}) or holds at all: the
     * namespace's ResourceQuota (CPU, memory, pods and all GPUs) and, with GPUs, the team's quota of the type
     * ({@link TeamGpuQuota}).
     */
    private List<String> beyondQuota(String team, ModelDeployment deployment, int replicas, boolean left) {
        Optional<ResourceQuota> quota = cluster.teamQuota(TeamNames.namespace(team));
        List<String> missing = new ArrayList<>();
        if (deployment.holdsGpus()) {
            int ofType = TeamGpuQuota.perType(quota).getOrDefault(deployment.gpuType(), 0);
            int held = left ? TeamGpuQuota.held(cluster.activePods(), TeamNames.namespace(team),
                    deployment.gpuType()) : 0;
            int need = replicas * deployment.gpus();
            if (need > ofType - held) {
                missing.add("GPUs " + deployment.gpuType() + ": needs " + need + ", " + Math.max(0, ofType - held)
                        + (left ? " left of the team's " : " in the team's ") + ofType);
            }
        }
        if (quota.isEmpty() || quota.get().getStatus() == null || quota.get().getStatus().getHard() == null) {
            return missing;
        }
        Map<String, Quantity> hard = quota.get().getStatus().getHard();
        Map<String, Quantity> used = !left || quota.get().getStatus().getUsed() == null ? Map.of()
                : quota.get().getStatus().getUsed();
        BigDecimal count = BigDecimal.valueOf(replicas);
        Map<String, BigDecimal> needed = Map.of(
                "requests.cpu", Quantity.getAmountInBytes(new Quantity(deployment.cpu())).multiply(count),
                "requests.memory", Quantity.getAmountInBytes(new Quantity(deployment.memory())).multiply(count),
                "limits.memory", Quantity.getAmountInBytes(new Quantity(deployment.memory())).multiply(count),
                "requests." + GpuResources.RESOURCE, BigDecimal.valueOf(deployment.gpus()).multiply(count),
                "count/pods", count,
                "pods", count);
        needed.forEach((resource, need) -> {
            Quantity limit = hard.get(resource);
            if (limit == null) {
                return;
            }
            BigDecimal free = Quantity.getAmountInBytes(limit).subtract(used.containsKey(resource)
                    ? Quantity.getAmountInBytes(used.get(resource)) : BigDecimal.ZERO);
            if (need.signum() > 0 && need.compareTo(free) > 0) {
                missing.add(resource + ": needs " + need.stripTrailingZeros().toPlainString() + ", "
                        + free.max(BigDecimal.ZERO).stripTrailingZeros().toPlainString()
                        + (left ? " left of " : " in ") + limit);
            }
        });
        return missing.stream().sorted().toList();
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
