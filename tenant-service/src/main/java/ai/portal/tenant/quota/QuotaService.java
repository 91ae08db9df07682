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
import ai.portal.tenant.audit.AuditedChanges.AuditedAction;
import ai.portal.tenant.audit.AuditedChanges.Change;
import ai.portal.tenant.audit.AuditedChanges;
import ai.portal.tenant.domain.Quota;
import ai.portal.tenant.domain.TeamProblems;
import ai.portal.tenant.quota.QuotaApi.GpuType;
import ai.portal.tenant.quota.QuotaApi.GpuUsage;
import ai.portal.tenant.quota.QuotaApi.QuotaSpec;
import ai.portal.tenant.quota.QuotaApi.QuotaUsage;
import ai.portal.tenant.quota.QuotaApi.ResourceUsage;
import ai.portal.tenant.store.TeamRepository;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Quotas per team and the GPU type catalogue they draw on. Only platform admins change either. */
@Service
class QuotaService implements QuotaRules {

    private final TeamRepository teams;
    private final GpuTypeRepository gpuTypes;
    private final TeamAccess access;
    private final ClusterUsage cluster;
    private final AuditedChanges changes;

    QuotaService(TeamRepository teams, GpuTypeRepository gpuTypes, TeamAccess access, ClusterUsage cluster,
                 AuditedChanges changes) {
        this.teams = teams;
        this.gpuTypes = gpuTypes;
        this.access = access;
        this.cluster = cluster;
        this.changes = changes;
    }

    Mono<Quota> get(CurrentUser actor, String slug) {
        return access.require(actor, slug, TeamPermission.VIEW).then(teams.quota(slug)).defaultIfEmpty(Quota.DEFAULT);
    }

    /**
     * Validates {@code spec} against the catalogue and, unless {@code force}, against what the team uses now; the
     * new quota reaches the namespace's ResourceQuota through the reconciler.
     */
    Mono<Quota> set(CurrentUser actor, String slug, QuotaSpec spec, boolean force) {
        return changes.run(new AuditedAction(actor, "quota.set", slug, "team/" + slug + "/quota"),
                access.require(actor, slug, TeamPermission.ADMIN)
                        .then(validate(spec))
                        .flatMap(wanted -> (force ? Mono.<Void>empty() : notBelowUsage(slug, wanted)).thenReturn(wanted)),
                wanted -> teams.quota(slug).defaultIfEmpty(Quota.DEFAULT)
                        .flatMap(before -> teams.saveQuota(slug, wanted)
                                .thenReturn(Change.of(wanted, before, wanted)
                                        .withDetail(force ? "forced below current usage" : ""))));
    }

    @Override
    public Mono<Quota> validate(QuotaSpec spec) {
        return knownGpuTypes().map(known -> QuotaLimits.validate(spec, known));
    }

    Mono<QuotaUsage> usage(CurrentUser actor, String slug) {
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

    Flux<GpuType> gpuTypes() {
        return cluster.gpuCapacityByType().onErrorReturn(Map.of())
                .flatMapMany(capacity -> gpuTypes.findAll().map(type -> new GpuType(type.name(), type.displayName(),
                        type.memoryGib(), capacity.getOrDefault(type.name(), 0))));
    }

    /** A new type must exist on the cluster's nodes (label {@code nvidia.com/gpu.product}), unless forced. */
    Mono<GpuType> addGpuType(CurrentUser actor, GpuType type, boolean force) {
        return changes.run(new AuditedAction(actor, "gpu-type.add", null, "gpu-type/" + type.name()),
                TeamAccess.requireAdmin(actor)
                        .then(cluster.gpuCapacityByType())
                        .flatMap(capacity -> force || capacity.containsKey(type.name()) ? Mono.just(capacity)
                                : Mono.error(TeamProblems.invalid("name", "No node of the cluster has the label "
                                        + GpuResources.PRODUCT_LABEL + "=" + type.name() + ". Known on the cluster: "
                                        + String.join(", ", capacity.keySet()) + ". Use force=true to add it anyway."))),
                capacity -> gpuTypes.insert(type)
                        .onErrorMap(DuplicateKeyException.class, duplicate -> TeamProblems.conflict("GPU type exists",
                                "GPU type '" + type.name() + "' is already in the catalogue."))
                        .thenReturn(Change.ofEveryTeam(new GpuType(type.name(), type.displayName(), type.memoryGib(),
                                capacity.getOrDefault(type.name(), 0)), null, type)));
    }

    Mono<Void> removeGpuType(CurrentUser actor, String name) {
        return changes.run(new AuditedAction(actor, "gpu-type.remove", null, "gpu-type/" + name),
                        TeamAccess.requireAdmin(actor),
                        nothing -> gpuTypes.teamsUsing(name)
                                .flatMap(using -> using > 0
                                        ? Mono.error(TeamProblems.conflict("GPU type in use", using
                                                + " team quota(s) still grant GPUs of type '" + name
                                                + "'. Set them to 0 first."))
                                        : gpuTypes.delete(name))
                                .flatMap(deleted -> deleted == 0
                                        ? Mono.error(TeamProblems.invalid("name", "There is no GPU type '" + name + "'."))
                                        : Mono.just(Change.<Void>ofEveryTeam(null, Map.of("name", name), null))))
                .then();
    }

    private Mono<Set<String>> knownGpuTypes() {
        return gpuTypes.findAll().map(GpuType::name).collect(Collectors.toSet());
    }
}
