package ai.portal.tenant.quota;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import ai.portal.platform.security.CurrentUser;
import ai.portal.platform.team.GpuResources;
import ai.portal.platform.team.TeamNames;
import ai.portal.platform.team.TeamPermission;
import ai.portal.tenant.access.TeamAccess;
import ai.portal.tenant.audit.AuditEvent.Outcome;
import ai.portal.tenant.audit.AuditLog;
import ai.portal.tenant.quota.QuotaApi.GpuType;
import ai.portal.tenant.quota.QuotaApi.GpuUsage;
import ai.portal.tenant.quota.QuotaApi.QuotaSpec;
import ai.portal.tenant.quota.QuotaApi.QuotaUsage;
import ai.portal.tenant.quota.QuotaApi.ResourceUsage;
import ai.portal.tenant.domain.ReconcileTrigger;
import ai.portal.tenant.domain.Quota;
import ai.portal.tenant.domain.TeamProblems;
import ai.portal.tenant.store.TeamRepository;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Quotas per team and the GPU type catalogue they draw on. Only platform admins change either. */
@Service
public class QuotaService {

    private final TeamRepository teams;
    private final GpuTypeRepository gpuTypes;
    private final TeamAccess access;
    private final ClusterUsage cluster;
    private final AuditLog audit;
    private final TransactionalOperator tx;
    private final ReconcileTrigger reconcile;

    QuotaService(TeamRepository teams, GpuTypeRepository gpuTypes, TeamAccess access, ClusterUsage cluster,
                 AuditLog audit, TransactionalOperator tx, ReconcileTrigger reconcile) {
        this.teams = teams;
        this.gpuTypes = gpuTypes;
        this.access = access;
        this.cluster = cluster;
        this.audit = audit;
        this.tx = tx;
        this.reconcile = reconcile;
    }

    public Mono<Quota> get(CurrentUser actor, String slug) {
        return access.require(actor, slug, TeamPermission.VIEW).then(teams.quota(slug)).defaultIfEmpty(Quota.DEFAULT);
    }

    /**
     * Validates {@code spec} against the catalogue and, unless {@code force}, against what the team uses now; the
     * new quota reaches the namespace's ResourceQuota through the reconciler.
     */
    public Mono<Quota> set(CurrentUser actor, String slug, QuotaSpec spec, boolean force) {
        String target = "team/" + slug + "/quota";
        Mono<Quota> useCase = access.require(actor, slug, TeamPermission.ADMIN)
                .then(knownGpuTypes())
                .map(known -> QuotaLimits.validate(spec, known))
                .flatMap(wanted -> (force ? Mono.<Void>empty() : notBelowUsage(slug, wanted))
                        .then(teams.quota(slug).defaultIfEmpty(Quota.DEFAULT))
                        .flatMap(before -> save(actor, slug, before, wanted, "quota.set", target, force)))
                .doOnSuccess(done -> reconcile.request(slug));
        return audit.onFailure(useCase, actor, slug, "quota.set", target);
    }

    /** Writes a quota with its audit row; used by {@link #set} and by approving a quota request. */
    public Mono<Quota> save(CurrentUser actor, String slug, Quota before, Quota after, String action, String target,
                            boolean force) {
        return teams.saveQuota(slug, after)
                .then(audit.record(actor, slug, action, target, before, after, Outcome.SUCCESS,
                        force ? "forced below current usage" : ""))
                .as(tx::transactional)
                .thenReturn(after);
    }

    public Mono<Quota> validate(QuotaSpec spec) {
        return knownGpuTypes().map(known -> QuotaLimits.validate(spec, known));
    }

    public Mono<QuotaUsage> usage(CurrentUser actor, String slug) {
        return access.require(actor, slug, TeamPermission.VIEW)
                .then(Mono.zip(teams.quota(slug).defaultIfEmpty(Quota.DEFAULT),
                        cluster.of(TeamNames.namespace(slug))))
                .map(parts -> {
                    Quota quota = parts.getT1();
                    ClusterUsage.Snapshot now = parts.getT2();
                    List<ResourceUsage> resources = new ArrayList<>();
                    now.hard().forEach((resource, hard) ->
                            resources.add(new ResourceUsage(resource, now.usedText().getOrDefault(resource, "0"), hard)));
                    Set<String> types = new TreeSet<>(quota.gpus().keySet());
                    types.addAll(now.gpusUsed().keySet());
                    List<GpuUsage> gpus = types.stream()
                            .map(type -> new GpuUsage(type, now.gpusUsed().getOrDefault(type, 0),
                                    quota.gpus().getOrDefault(type, 0)))
                            .toList();
                    return new QuotaUsage(resources, gpus);
                });
    }

    private Mono<Void> notBelowUsage(String slug, Quota wanted) {
        return cluster.of(TeamNames.namespace(slug)).flatMap(now -> {
            List<String> below = QuotaLimits.belowUsage(wanted, now.used(), now.gpusUsed());
            return below.isEmpty() ? Mono.empty() : Mono.error(TeamProblems.conflict("Quota below current usage",
                    "The new quota is below what team '" + slug + "' uses now: " + String.join(", ", below)
                            + ". Stop workloads first, or set it with force=true."));
        });
    }

    // --- GPU type catalogue ------------------------------------------------------------------------------

    public Flux<GpuType> gpuTypes() {
        return cluster.gpuCapacityByType().onErrorReturn(Map.of())
                .flatMapMany(capacity -> gpuTypes.findAll().map(type -> new GpuType(type.name(), type.displayName(),
                        type.memoryGib(), capacity.getOrDefault(type.name(), 0))));
    }

    /** A new type must exist on the cluster's nodes (label {@code nvidia.com/gpu.product}), unless forced. */
    public Mono<GpuType> addGpuType(CurrentUser actor, GpuType type, boolean force) {
        String target = "gpu-type/" + type.name();
        Mono<GpuType> useCase = TeamAccess.requireAdmin(actor)
                .then(cluster.gpuCapacityByType())
                .flatMap(capacity -> {
                    if (!force && !capacity.containsKey(type.name())) {
                        return Mono.error(TeamProblems.invalid("name", "No node of the cluster has the label "
                                + GpuResources.PRODUCT_LABEL + "=" + type.name() + ". Known on the cluster: "
                                + String.join(", ", capacity.keySet()) + ". Use force=true to add it anyway."));
                    }
                    return gpuTypes.insert(type)
                            .then(audit.record(actor, null, "gpu-type.add", target, null, type, Outcome.SUCCESS, ""))
                            .as(tx::transactional)
                            .thenReturn(new GpuType(type.name(), type.displayName(), type.memoryGib(),
                                    capacity.getOrDefault(type.name(), 0)));
                })
                .onErrorMap(DuplicateKeyException.class, duplicate -> TeamProblems.conflict("GPU type exists",
                        "GPU type '" + type.name() + "' is already in the catalogue."));
        return audit.onFailure(useCase, actor, null, "gpu-type.add", target);
    }

    public Mono<Void> removeGpuType(CurrentUser actor, String name) {
        String target = "gpu-type/" + name;
        Mono<Void> useCase = TeamAccess.requireAdmin(actor)
                .then(gpuTypes.teamsUsing(name))
                .flatMap(using -> using > 0
                        ? Mono.error(TeamProblems.conflict("GPU type in use", using
                                + " team quota(s) still grant GPUs of type '" + name + "'. Set them to 0 first."))
                        : gpuTypes.delete(name).flatMap(deleted -> deleted == 0
                                ? Mono.error(TeamProblems.invalid("name", "There is no GPU type '" + name + "'."))
                                : audit.record(actor, null, "gpu-type.remove", target, Map.of("name", name), null,
                                        Outcome.SUCCESS, "")).as(tx::transactional));
        return audit.onFailure(useCase, actor, null, "gpu-type.remove", target);
    }

    private Mono<Set<String>> knownGpuTypes() {
        return gpuTypes.findAll().map(GpuType::name).collect(Collectors.toSet());
    }

}
