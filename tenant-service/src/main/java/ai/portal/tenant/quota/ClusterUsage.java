package ai.portal.tenant.quota;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

import ai.portal.platform.team.GpuResources;
import ai.portal.platform.team.PortalLabels;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * What a team uses right now, as Kubernetes counts it: the ResourceQuota's status for the resources Kubernetes
 * quotas, and the GPUs of the team's unfinished pods per GPU type (the {@code nvidia.com/gpu.product} label of the
 * node a pod runs on, or of the node selector it waits with). Also the GPU capacity of the cluster per type.
 */
@Component
class ClusterUsage {

    private final KubernetesClient kubernetes;

    ClusterUsage(KubernetesClient kubernetes) {
        this.kubernetes = kubernetes;
    }

    record Snapshot(Map<String, BigDecimal> used, Map<String, String> usedText, Map<String, String> hard,
                    Map<String, Integer> gpusUsed) {
        static final Snapshot NONE = new Snapshot(Map.of(), Map.of(), Map.of(), Map.of());
    }

    Mono<Snapshot> of(String namespace) {
        return Mono.fromCallable(() -> read(namespace)).subscribeOn(Schedulers.boundedElastic());
    }

    Mono<Map<String, Integer>> gpuCapacityByType() {
        return Mono.fromCallable(() -> {
            Map<String, Integer> capacity = new TreeMap<>();
            for (Node node : kubernetes.nodes().withLabel(GpuResources.PRODUCT_LABEL).list().getItems()) {
                Quantity gpus = node.getStatus() == null || node.getStatus().getCapacity() == null ? null
                        : node.getStatus().getCapacity().get(GpuResources.RESOURCE);
                capacity.merge(node.getMetadata().getLabels().get(GpuResources.PRODUCT_LABEL),
                        gpus == null ? 0 : gpus.getNumericalAmount().intValue(), Integer::sum);
            }
            return capacity;
        }).subscribeOn(Schedulers.boundedElastic());
    }

    private Snapshot read(String namespace) {
        if (kubernetes.namespaces().withName(namespace).get() == null) {
            return Snapshot.NONE;
        }
        Map<String, BigDecimal> used = new HashMap<>();
        Map<String, String> usedText = new TreeMap<>();
        Map<String, String> hard = new TreeMap<>();
        ResourceQuota quota = kubernetes.resourceQuotas().inNamespace(namespace).withName(PortalLabels.TEAM_QUOTA).get();
        if (quota != null && quota.getStatus() != null) {
            if (quota.getStatus().getUsed() != null) {
                quota.getStatus().getUsed().forEach((resource, amount) -> {
                    used.put(resource, Quantity.getAmountInBytes(amount));
                    usedText.put(resource, amount.toString());
                });
            }
            if (quota.getStatus().getHard() != null) {
                quota.getStatus().getHard().forEach((resource, amount) -> hard.put(resource, amount.toString()));
            }
        }
        return new Snapshot(used, usedText, hard, gpusByType(namespace));
    }

    private Map<String, Integer> gpusByType(String namespace) {
        Map<String, String> nodeProducts = new HashMap<>();
        Map<String, Integer> byType = new TreeMap<>();
        for (Pod pod : kubernetes.pods().inNamespace(namespace).list().getItems()) {
            String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
            if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
                continue;
            }
            int gpus = pod.getSpec().getContainers().stream()
                    .map(c -> c.getResources() == null || c.getResources().getRequests() == null ? null
                            : c.getResources().getRequests().get(GpuResources.RESOURCE))
                    .filter(java.util.Objects::nonNull)
                    .mapToInt(q -> q.getNumericalAmount().intValue())
                    .sum();
            if (gpus == 0) {
                continue;
            }
            String type = pod.getSpec().getNodeSelector() == null ? null : pod.getSpec().getNodeSelector().get(GpuResources.PRODUCT_LABEL);
            String nodeName = pod.getSpec().getNodeName();
            if (type == null && nodeName != null) {
                type = nodeProducts.computeIfAbsent(nodeName, name -> {
                    Node node = kubernetes.nodes().withName(name).get();
                    return node == null ? "unknown" : node.getMetadata().getLabels().getOrDefault(GpuResources.PRODUCT_LABEL, "unknown");
                });
            }
            byType.merge(type == null ? "unknown" : type, gpus, Integer::sum);
        }
        return byType;
    }
}
