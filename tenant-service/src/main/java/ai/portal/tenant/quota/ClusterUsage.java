package ai.portal.tenant.quota;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import ai.portal.platform.team.GpuResources;
import ai.portal.platform.team.PortalLabels;
import ai.portal.tenant.cluster.ClusterView;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * What a team uses right now, as Kubernetes counts it: the ResourceQuota's status for the resources Kubernetes
 * quotas, and the GPUs of the team's unfinished pods per GPU type (the {@code nvidia.com/gpu.product} label of the
 * node a pod runs on, or of the node selector it waits with). Also the GPU capacity of the cluster per type. All of
 * it from the {@link ClusterView}'s informers. Without a cluster ({@code portal.provisioning.enabled=false}) nothing
 * is used and no GPU is installed.
 */
@Component
class ClusterUsage {

    private static final String UNKNOWN_TYPE = "unknown";

    /** Null when the service runs without a cluster. */
    private final ClusterView cluster;

    ClusterUsage(ObjectProvider<ClusterView> cluster) {
        this.cluster = cluster.getIfAvailable();
    }

    record Snapshot(Map<String, BigDecimal> used, Map<String, String> usedText, Map<String, String> hard,
                    Map<String, Integer> gpusUsed) {
        static final Snapshot NONE = new Snapshot(Map.of(), Map.of(), Map.of(), Map.of());
    }

    Mono<Snapshot> of(String namespace) {
        if (cluster == null) {
            return Mono.just(Snapshot.NONE);
        }
        return cluster.read(() -> read(namespace));
    }

    Mono<Map<String, Integer>> gpuCapacityByType() {
        if (cluster == null) {
            return Mono.just(Map.of());
        }
        return cluster.read(() -> {
            Map<String, Integer> capacity = new TreeMap<>();
            for (Node node : cluster.nodes()) {
                String type = productOf(node);
                if (type == null) {
                    continue;
                }
                Quantity gpus = node.getStatus() == null || node.getStatus().getCapacity() == null ? null
                        : node.getStatus().getCapacity().get(GpuResources.RESOURCE);
                capacity.merge(type, gpus == null ? 0 : gpus.getNumericalAmount().intValue(), Integer::sum);
            }
            return capacity;
        });
    }

    private Snapshot read(String namespace) {
        if (cluster.namespace(namespace).isEmpty()) {
            return Snapshot.NONE;
        }
        Map<String, BigDecimal> used = new HashMap<>();
        Map<String, String> usedText = new TreeMap<>();
        Map<String, String> hard = new TreeMap<>();
        ResourceQuota quota = cluster.managed(ResourceQuota.class, namespace, PortalLabels.TEAM_QUOTA).orElse(null);
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
        Map<String, Integer> byType = new TreeMap<>();
        for (Pod pod : cluster.pods(namespace)) {
            if (!ClusterView.unfinished(pod)) {
                continue;
            }
            int gpus = pod.getSpec().getContainers().stream()
                    .map(c -> c.getResources() == null || c.getResources().getRequests() == null ? null
                            : c.getResources().getRequests().get(GpuResources.RESOURCE))
                    .filter(Objects::nonNull)
                    .mapToInt(q -> q.getNumericalAmount().intValue())
                    .sum();
            if (gpus == 0) {
                continue;
            }
            Map<String, String> selector = pod.getSpec().getNodeSelector();
            String type = selector == null ? null : selector.get(GpuResources.PRODUCT_LABEL);
            if (type == null && pod.getSpec().getNodeName() != null) {
                type = cluster.node(pod.getSpec().getNodeName()).map(ClusterUsage::productOf).orElse(null);
            }
            byType.merge(type == null ? UNKNOWN_TYPE : type, gpus, Integer::sum);
        }
        return byType;
    }

    private static String productOf(Node node) {
        Map<String, String> labels = node.getMetadata().getLabels();
        return labels == null ? null : labels.get(GpuResources.PRODUCT_LABEL);
    }
}
