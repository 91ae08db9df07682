package ai.portal.jobs.cluster;

import java.math.BigDecimal;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import ai.portal.platform.team.GpuResources;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Taint;

/**
 * One node as a portal workload sees it: its GPU type, what it can hold, what the pods bound to it request, and
 * whether a portal pod could be placed there at all (Ready, schedulable, and no taint other than the GPU taint that
 * portal pods do not tolerate). Pure: computed from informer snapshots.
 *
 * @param gpuType     the {@code nvidia.com/gpu.product} label, or null for a node without GPUs
 * @param allocatable cpu (cores), memory (bytes), nvidia.com/gpu
 * @param requested   the sum of the requests of the active pods bound to the node
 */
public record NodeCapacity(String name, String gpuType, Map<String, BigDecimal> allocatable,
                           Map<String, BigDecimal> requested, boolean usable) {

    public static final String CPU = "cpu";
    public static final String MEMORY = "memory";

    public static NodeCapacity of(Node node, Collection<Pod> podsOnNode) {
        Map<String, BigDecimal> allocatable = new HashMap<>();
        Map<String, Quantity> raw = node.getStatus() == null || node.getStatus().getAllocatable() == null ? Map.of()
                : node.getStatus().getAllocatable();
        for (String resource : List.of(CPU, MEMORY, GpuResources.RESOURCE)) {
            allocatable.put(resource, raw.containsKey(resource) ? raw.get(resource).getNumericalAmount()
                    : BigDecimal.ZERO);
        }
        Map<String, BigDecimal> requested = new HashMap<>();
        for (Pod pod : podsOnNode) {
            podRequests(pod).forEach((resource, amount) -> requested.merge(resource, amount, BigDecimal::add));
        }
        Map<String, String> labels = node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
        return new NodeCapacity(node.getMetadata().getName(), labels.get(GpuResources.PRODUCT_LABEL),
                Map.copyOf(allocatable), Map.copyOf(requested), usable(node));
    }

    /** The requests a pod holds on its node: the larger of its containers' sum and any one init container's. */
    public static Map<String, BigDecimal> podRequests(Pod pod) {
        Map<String, BigDecimal> sum = new HashMap<>();
        if (pod.getSpec() == null) {
            return sum;
        }
        for (Container container : pod.getSpec().getContainers()) {
            requestsOf(container).forEach((resource, amount) -> sum.merge(resource, amount, BigDecimal::add));
        }
        if (pod.getSpec().getInitContainers() != null) {
            for (Container init : pod.getSpec().getInitContainers()) {
                requestsOf(init).forEach((resource, amount) -> sum.merge(resource, amount, BigDecimal::max));
            }
        }
        return sum;
    }

    private static Map<String, BigDecimal> requestsOf(Container container) {
        Map<String, BigDecimal> requests = new HashMap<>();
        if (container.getResources() == null) {
            return requests;
        }
        Map<String, Quantity> stated = container.getResources().getRequests() == null ? Map.of()
                : container.getResources().getRequests();
        Map<String, Quantity> limits = container.getResources().getLimits() == null ? Map.of()
                : container.getResources().getLimits();
        for (String resource : List.of(CPU, MEMORY, GpuResources.RESOURCE)) {
            // an extended resource given only as a limit is requested at the limit, as the API server defaults it
            Quantity quantity = stated.containsKey(resource) ? stated.get(resource) : limits.get(resource);
            if (quantity != null) {
                requests.put(resource, quantity.getNumericalAmount());
            }
        }
        return requests;
    }

    private static boolean usable(Node node) {
        if (node.getSpec() != null && Boolean.TRUE.equals(node.getSpec().getUnschedulable())) {
            return false;
        }
        boolean ready = node.getStatus() != null && node.getStatus().getConditions() != null
                && node.getStatus().getConditions().stream()
                .anyMatch(condition -> "Ready".equals(condition.getType()) && "True".equals(condition.getStatus()));
        if (!ready) {
            return false;
        }
        List<Taint> taints = node.getSpec() == null || node.getSpec().getTaints() == null ? List.of()
                : node.getSpec().getTaints();
        return taints.stream().allMatch(taint -> "PreferNoSchedule".equals(taint.getEffect())
                || GpuResources.TAINT_KEY.equals(taint.getKey()));
    }

    public BigDecimal free(String resource) {
        return allocatable.getOrDefault(resource, BigDecimal.ZERO)
                .subtract(requested.getOrDefault(resource, BigDecimal.ZERO)).max(BigDecimal.ZERO);
    }

    public int gpus() {
        return allocatable.getOrDefault(GpuResources.RESOURCE, BigDecimal.ZERO).intValue();
    }

    public int freeGpus() {
        return free(GpuResources.RESOURCE).intValue();
    }

    /** Whether a pod asking for these amounts fits in what is free now. */
    public boolean fits(BigDecimal cpu, BigDecimal memory, int gpus) {
        return usable && free(CPU).compareTo(cpu) >= 0 && free(MEMORY).compareTo(memory) >= 0 && freeGpus() >= gpus;
    }

    /** Whether such a pod would fit on this node were it empty. */
    public boolean couldEverFit(BigDecimal cpu, BigDecimal memory, int gpus) {
        return usable && allocatable.getOrDefault(CPU, BigDecimal.ZERO).compareTo(cpu) >= 0
                && allocatable.getOrDefault(MEMORY, BigDecimal.ZERO).compareTo(memory) >= 0 && gpus() >= gpus;
    }
}
