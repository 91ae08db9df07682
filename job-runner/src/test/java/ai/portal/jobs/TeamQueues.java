package ai.portal.jobs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import ai.portal.localcluster.SimulatedNodes;
import ai.portal.platform.team.GpuResources;
import ai.portal.platform.team.KueueNames;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/**
 * Test fixture for what tenant-service provisions per team for Kueue, and for private GPU nodes.
 *
 * <p>The team's quota always goes through tenant-service's API (the ResourceQuota, its {@code portal.ai/gpu-quota}
 * and {@code portal.ai/max-notebooks} annotations). Where tenant-service does not provision the Kueue queues (yet),
 * this fixture creates them the way tenant-service is to: ResourceFlavors {@code <instance>-<gpu type>} and
 * {@code <instance>-default}, the ClusterQueue {@code <instance>-team-<slug>} with those quotas and the installation
 * as cohort, the LocalQueue {@code team}, and the WorkloadPriorityClasses. Product code never creates them.
 *
 * <p>Private nodes carry a GPU type of their own ({@code PORTAL-TEST-xxxx}), so what other tests and users run on
 * the shared nodes never changes a test's outcome.
 */
public final class TeamQueues {

    static final String FIELD_MANAGER = "job-runner-tests";
    static final ResourceDefinitionContext FLAVOR = kueue("ResourceFlavor", "resourceflavors", false);
    static final ResourceDefinitionContext CLUSTER_QUEUE = kueue("ClusterQueue", "clusterqueues", false);
    static final ResourceDefinitionContext LOCAL_QUEUE = kueue("LocalQueue", "localqueues", true);
    static final ResourceDefinitionContext PRIORITY = kueue("WorkloadPriorityClass", "workloadpriorityclasses", false);

    private TeamQueues() {
    }

    private static ResourceDefinitionContext kueue(String kind, String plural, boolean namespaced) {
        return new ResourceDefinitionContext.Builder().withGroup("kueue.x-k8s.io").withVersion("v1beta2")
                .withKind(kind).withPlural(plural).withNamespaced(namespaced).build();
    }

    /** A pool of {@code count} private nodes with {@code gpus} GPUs each, of a GPU type no other test uses. */
    public record PrivateGpus(String pool, String gpuType, List<String> nodes) {
    }

    public static PrivateGpus privateNodes(KubernetesClient client, int count, int gpus) {
        String id = UUID.randomUUID().toString().substring(0, 6);
        String product = "PORTAL-TEST-" + id.toUpperCase();
        String pool = "jr-" + id;
        List<String> nodes = SimulatedNodes.create(client, pool, "gpu", count,
                new SimulatedNodes.GpuType(product, "Test GPU " + id, 16384, "test", 100), gpus);
        // portal pods tolerate only the GPU taint: drop the pool's own taint, the unique product keeps others off
        // a JSON merge patch (it replaces the list) without resourceVersion: the simulated kubelet updates new nodes
        for (String name : nodes) {
            Node node = client.nodes().withName(name).get();
            Node patch = new io.fabric8.kubernetes.api.model.NodeBuilder().withNewSpec()
                    .withTaints(node.getSpec().getTaints().stream()
                            .filter(taint -> !SimulatedNodes.POOL_TAINT.equals(taint.getKey())).toList())
                    .endSpec().build();
            client.nodes().withName(name).patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                    io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE), patch);
        }
        return new PrivateGpus(pool, product, nodes);
    }

    public static void deleteNodes(KubernetesClient client, PrivateGpus gpus) {
        SimulatedNodes.delete(client, gpus.pool());
    }

    /**
     * The team's Kueue objects as tenant-service would provision them, unless tenant-service already did (its
     * ClusterQueue exists and carries every GPU type asked for).
     */
    public static void ensure(KubernetesClient client, String instance, String slug, Map<String, Integer> gpus,
                              boolean cohort) {
        String queueName = KueueNames.clusterQueue(instance, slug);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            GenericKubernetesResource existing = client.genericKubernetesResources(CLUSTER_QUEUE).withName(queueName)
                    .get();
            // tenant-service's queue lists every catalogue GPU type (0 where the team has no quota): wait until it
            // carries the quota just set, not only the flavor's name
            if (existing != null && !createdByUs(existing) && gpus.entrySet().stream()
                    .allMatch(type -> Integer.toString(type.getValue())
                            .equals(nominalGpus(existing, KueueNames.gpuFlavor(instance, type.getKey()))))) {
                if (cohort && cohortName(existing) == null) {
                    throw new IllegalStateException("tenant-service provisions " + queueName + " without a cohort: "
                            + "a borrowing test needs tenant-service started with PORTAL_KUEUE_BORROWING=true");
                }
                return;
            }
            sleep(1000);
        }
        apply(client, resource(PRIORITY, instance + "-low", null, Map.of("value", 100)));
        apply(client, resource(PRIORITY, instance + "-normal", null, Map.of("value", 1000)));
        apply(client, resource(PRIORITY, instance + "-high", null, Map.of("value", 10000)));
        apply(client, resource(FLAVOR, KueueNames.defaultFlavor(instance), null, Map.of()));
        List<Object> gpuFlavors = new ArrayList<>();
        for (var type : gpus.entrySet()) {
            String flavor = KueueNames.gpuFlavor(instance, type.getKey());
            apply(client, resource(FLAVOR, flavor, null,
                    Map.of("nodeLabels", Map.of(GpuResources.PRODUCT_LABEL, type.getKey()))));
            gpuFlavors.add(Map.of("name", flavor, "resources", List.of(Map.of("name", GpuResources.RESOURCE,
                    "nominalQuota", Integer.toString(type.getValue())))));
        }
        List<Object> groups = new ArrayList<>();
        // the team's LimitRange gives every container ephemeral storage: a queue not covering it admits nothing
        groups.add(Map.of("coveredResources", List.of("cpu", "memory", "ephemeral-storage"), "flavors", List.of(Map.of(
                "name", KueueNames.defaultFlavor(instance), "resources", List.of(
                        Map.of("name", "cpu", "nominalQuota", "64"), Map.of("name", "memory", "nominalQuota", "512Gi"),
                        Map.of("name", "ephemeral-storage", "nominalQuota", "500Gi"))))));
        if (!gpuFlavors.isEmpty()) {
            groups.add(Map.of("coveredResources", List.of(GpuResources.RESOURCE), "flavors", gpuFlavors));
        }
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("namespaceSelector", Map.of("matchLabels", Map.of("kubernetes.io/metadata.name", "team-" + slug)));
        spec.put("resourceGroups", groups);
        spec.put("preemption", Map.of("reclaimWithinCohort", "Any", "withinClusterQueue", "LowerPriority"));
        if (cohort) {
            spec.put("cohortName", KueueNames.cohort(instance));
        }
        apply(client, resource(CLUSTER_QUEUE, queueName, null, spec));
        apply(client, resource(LOCAL_QUEUE, KueueNames.LOCAL_QUEUE, "team-" + slug,
                Map.of("clusterQueue", queueName)));
    }

    /** Deletes the fixture's ClusterQueue of a team (its LocalQueue goes with the namespace). */
    public static void delete(KubernetesClient client, String instance, String slug) {
        GenericKubernetesResource queue = client.genericKubernetesResources(CLUSTER_QUEUE)
                .withName(KueueNames.clusterQueue(instance, slug)).get();
        if (queue != null && createdByUs(queue)) {
            client.resource(queue).delete();
        }
    }

    private static boolean createdByUs(GenericKubernetesResource object) {
        return object.getMetadata().getManagedFields() != null && object.getMetadata().getManagedFields().stream()
                .anyMatch(entry -> FIELD_MANAGER.equals(entry.getManager()));
    }

    private static GenericKubernetesResource resource(ResourceDefinitionContext kind, String name, String namespace,
                                                      Map<String, Object> specOrFields) {
        GenericKubernetesResource resource = new GenericKubernetesResource();
        resource.setApiVersion(kind.getGroup() + "/" + kind.getVersion());
        resource.setKind(kind.getKind());
        resource.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(name)
                .withNamespace(namespace).addToLabels("app.kubernetes.io/managed-by", "job-runner-tests").build());
        if (kind == PRIORITY) {
            specOrFields.forEach(resource::setAdditionalProperty);
        } else {
            resource.setAdditionalProperty("spec", specOrFields);
        }
        return resource;
    }

    private static void apply(KubernetesClient client, GenericKubernetesResource resource) {
        client.resource(resource).fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
    }

    /** Nodes of the shared cluster by GPU type (for tests that read the inventory). */
    public static List<Node> nodesOf(KubernetesClient client, String gpuType) {
        return client.nodes().withLabel(GpuResources.PRODUCT_LABEL, gpuType).list().getItems();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Object cohortName(GenericKubernetesResource queue) {
        return queue.getAdditionalProperties().get("spec") instanceof Map<?, ?> spec ? spec.get("cohortName") : null;
    }

    /** The queue's nominal GPU quota for a flavor, as Kueue's spec spells it; null when the flavor is not listed. */
    @SuppressWarnings("unchecked")
    static String nominalGpus(GenericKubernetesResource queue, String flavor) {
        Object spec = queue.getAdditionalProperties().get("spec");
        if (!(spec instanceof Map<?, ?> specMap) || !(specMap.get("resourceGroups") instanceof List<?> groups)) {
            return null;
        }
        for (Object group : groups) {
            for (Object candidate : (List<Object>) ((Map<String, Object>) group).getOrDefault("flavors", List.of())) {
                Map<String, Object> entry = (Map<String, Object>) candidate;
                if (!flavor.equals(entry.get("name"))) {
                    continue;
                }
                for (Object resource : (List<Object>) entry.getOrDefault("resources", List.of())) {
                    Map<String, Object> quota = (Map<String, Object>) resource;
                    if (GpuResources.RESOURCE.equals(quota.get("name"))) {
                        return String.valueOf(quota.get("nominalQuota"));
                    }
                }
            }
        }
        return null;
    }
}
