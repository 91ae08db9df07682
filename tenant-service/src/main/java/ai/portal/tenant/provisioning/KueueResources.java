package ai.portal.tenant.provisioning;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.portal.platform.team.GpuResources;
import ai.portal.platform.team.KueueNames;
import ai.portal.platform.team.PortalLabels;
import ai.portal.platform.team.TeamNames;
import ai.portal.platform.team.WorkloadPriority;
import ai.portal.tenant.domain.Quota;
import ai.portal.tenant.domain.TeamSnapshot;
import ai.portal.tenant.domain.TeamState;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/**
 * The model of the Kueue objects that admit a team's workloads, as pure functions like {@link TeamResources}
 * (Kueue's {@code kueue.x-k8s.io/v1beta2}, the version Kueue v0.17 stores; written as
 * {@link GenericKubernetesResource}s, no generated classes):
 *
 * <ul>
 *   <li>per installation ({@link #installation}): a ResourceFlavor per GPU type of the catalogue
 *       ({@code <instance>-<gpu-type>}: the node label {@code nvidia.com/gpu.product} and a toleration of the GPU
 *       taint), one default flavor {@code <instance>-default} for CPU and memory, and the WorkloadPriorityClasses
 *       {@code <instance>-low|normal|high};</li>
 *   <li>per team ({@link #team}): a ClusterQueue {@code <instance>-team-<slug>} admitting only the team namespace,
 *       CPU, memory and ephemeral storage on the default flavor and GPUs per type, nominal quota = the team's quota
 *       (0 for a type it has none of; ephemeral storage as provisioned for every team), and the LocalQueue
 *       {@code team} in the team namespace pointing at it.</li>
 * </ul>
 *
 * With {@link KueueProperties#borrowing()} every ClusterQueue of the installation joins the cohort named by the
 * installation id: a team may borrow up to {@link KueueProperties#gpuBorrowingLimit()} idle GPUs of each type
 * ({@code borrowingLimit}); its own idle GPUs may all be lent ({@code lendingLimit} unset) and are reclaimed by
 * preemption ({@code reclaimWithinCohort: Any}). CPU, memory and ephemeral storage are never borrowed nor lent
 * ({@code 0}/{@code 0}): the team's ResourceQuota caps them anyway.
 */
public final class KueueResources {

    public static final String API_GROUP = "kueue.x-k8s.io";
    public static final String API_VERSION = "v1beta2";

    public static final ResourceDefinitionContext RESOURCE_FLAVOR = context("ResourceFlavor", "resourceflavors", false);
    public static final ResourceDefinitionContext CLUSTER_QUEUE = context("ClusterQueue", "clusterqueues", false);
    public static final ResourceDefinitionContext LOCAL_QUEUE = context("LocalQueue", "localqueues", true);
    public static final ResourceDefinitionContext WORKLOAD_PRIORITY_CLASS =
            context("WorkloadPriorityClass", "workloadpriorityclasses", false);

    static final String EPHEMERAL_STORAGE = "ephemeral-storage";

    /** The label and toleration value of the GPU taint on GPU nodes: {@code nvidia.com/gpu=present:NoSchedule}. */
    static final String GPU_TAINT_VALUE = "present";

    private KueueResources() {
    }

    /** The installation's flavors (default first, then one per GPU type in catalogue order) and priority classes. */
    public static List<GenericKubernetesResource> installation(String instance, List<String> gpuTypes) {
        List<GenericKubernetesResource> objects = new ArrayList<>();
        objects.add(resource(RESOURCE_FLAVOR, installationMeta(instance, KueueNames.defaultFlavor(instance)),
                Map.of("spec", Map.of())));
        for (String type : gpuTypes) {
            Map<String, Object> spec = new LinkedHashMap<>();
            spec.put("nodeLabels", Map.of(GpuResources.PRODUCT_LABEL, type));
            spec.put("tolerations", List.of(ordered("key", GpuResources.TAINT_KEY, "operator", "Equal",
                    "value", GPU_TAINT_VALUE, "effect", "NoSchedule")));
            objects.add(resource(RESOURCE_FLAVOR, installationMeta(instance, KueueNames.gpuFlavor(instance, type)),
                    Map.of("spec", spec)));
        }
        for (WorkloadPriority priority : WorkloadPriority.values()) {
            objects.add(resource(WORKLOAD_PRIORITY_CLASS,
                    installationMeta(instance, KueueNames.priorityClass(instance, priority)),
                    ordered("value", priority.value(), "description",
                            "AI Portal: " + priority.wireName() + " priority within a team")));
        }
        return List.copyOf(objects);
    }

    /** The team's ClusterQueue, then its LocalQueue, with the default provisioning settings. */
    public static List<GenericKubernetesResource> team(String instance, TeamSnapshot team, KueueProperties kueue) {
        return team(instance, team, kueue, ProvisioningProperties.defaults());
    }

    /**
     * The team's ClusterQueue, then its LocalQueue; the queue's ephemeral storage is the team's
     * ({@link ProvisioningProperties.EphemeralStorage#requests()}).
     */
    public static List<GenericKubernetesResource> team(String instance, TeamSnapshot team, KueueProperties kueue,
                                                       ProvisioningProperties provisioning) {
        return List.of(clusterQueue(instance, team, kueue, provisioning), localQueue(instance, team));
    }

    private static GenericKubernetesResource clusterQueue(String instance, TeamSnapshot team, KueueProperties kueue,
                                                          ProvisioningProperties provisioning) {
        Quota quota = team.quota();
        Map<String, Object> spec = new LinkedHashMap<>();
        if (kueue.borrowing()) {
            spec.put("cohortName", KueueNames.cohort(instance));
        }
        spec.put("namespaceSelector", Map.of("matchLabels", Map.of(PortalLabels.NAMESPACE_NAME, team.namespace())));
        spec.put("queueingStrategy", "BestEffortFIFO");
        spec.put("stopPolicy", team.state() == TeamState.ARCHIVED ? "Hold" : "None");
        spec.put("preemption", ordered("reclaimWithinCohort", "Any", "withinClusterQueue", "LowerPriority"));
        List<Object> groups = new ArrayList<>();
        String notShared = kueue.borrowing() ? "0" : null;
        // Kueue counts every resource of a workload's pods after applying the namespace's LimitRange defaults, and
        // a workload asking for a resource its ClusterQueue does not cover is never admitted: the LimitRange gives
        // every container ephemeral storage, so the queue covers it, with the team's quota (DESIGN.md, Kueue)
        groups.add(ordered(
                "coveredResources", List.of("cpu", "memory", EPHEMERAL_STORAGE),
                "flavors", List.of(ordered("name", KueueNames.defaultFlavor(instance), "resources", List.of(
                        quota("cpu", quota.cpu(), notShared, notShared),
                        quota("memory", quota.memory(), notShared, notShared),
                        quota(EPHEMERAL_STORAGE, provisioning.ephemeralStorage().requests(), notShared,
                                notShared))))));
        if (!team.gpuTypes().isEmpty()) {
            List<Object> flavors = new ArrayList<>();
            for (String type : team.gpuTypes()) {
                flavors.add(ordered("name", KueueNames.gpuFlavor(instance, type), "resources", List.of(
                        quota(GpuResources.RESOURCE, Integer.toString(quota.gpus().getOrDefault(type, 0)),
                                kueue.borrowing() ? Integer.toString(kueue.gpuBorrowingLimit()) : null, null))));
            }
            groups.add(ordered("coveredResources", List.of(GpuResources.RESOURCE), "flavors", flavors));
        }
        spec.put("resourceGroups", groups);
        return resource(CLUSTER_QUEUE, new ObjectMetaBuilder().withName(KueueNames.clusterQueue(instance, team.slug()))
                .withLabels(PortalLabels.teamLabels(instance, team.slug())).build(), Map.of("spec", spec));
    }

    private static GenericKubernetesResource localQueue(String instance, TeamSnapshot team) {
        return resource(LOCAL_QUEUE, new ObjectMetaBuilder().withName(KueueNames.LOCAL_QUEUE)
                        .withNamespace(TeamNames.namespace(team.slug()))
                        .withLabels(PortalLabels.teamLabels(instance, team.slug())).build(),
                Map.of("spec", Map.of("clusterQueue", KueueNames.clusterQueue(instance, team.slug()))));
    }

    private static Map<String, Object> quota(String resource, String nominal, String borrowingLimit,
                                             String lendingLimit) {
        Map<String, Object> quota = ordered("name", resource, "nominalQuota", nominal);
        if (borrowingLimit != null) {
            quota.put("borrowingLimit", borrowingLimit);
        }
        if (lendingLimit != null) {
            quota.put("lendingLimit", lendingLimit);
        }
        return quota;
    }

    private static ObjectMeta installationMeta(String instance, String name) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(PortalLabels.MANAGED_BY, PortalLabels.MANAGER);
        labels.put(PortalLabels.INSTANCE, instance);
        return new ObjectMetaBuilder().withName(name).withLabels(labels).build();
    }

    private static GenericKubernetesResource resource(ResourceDefinitionContext kind, ObjectMeta meta,
                                                      Map<String, Object> body) {
        GenericKubernetesResource resource = new GenericKubernetesResource();
        resource.setApiVersion(API_GROUP + "/" + API_VERSION);
        resource.setKind(kind.getKind());
        resource.setMetadata(meta);
        body.forEach(resource::setAdditionalProperty);
        return resource;
    }

    /** A map that keeps the order its pairs are given in, so the same input always serialises the same way. */
    private static Map<String, Object> ordered(Object... pairs) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], pairs[i + 1]);
        }
        return map;
    }

    private static ResourceDefinitionContext context(String kind, String plural, boolean namespaced) {
        return new ResourceDefinitionContext.Builder().withGroup(API_GROUP).withVersion(API_VERSION)
                .withKind(kind).withPlural(plural).withNamespaced(namespaced).build();
    }
}
