package ai.portal.jobs.cluster;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * The cluster's nodes as portal workloads can use them, computed from the informers on demand: per GPU type how
 * many GPUs exist, are taken and are free, and the most that are free (or exist) on one node — the numbers behind
 * "no A100 node has 4 free GPUs" and behind refusing 16 GPUs when the largest node has 8.
 */
public final class GpuInventory {

    private final List<NodeCapacity> nodes;

    public GpuInventory(List<NodeCapacity> nodes) {
        this.nodes = List.copyOf(nodes);
    }

    public static GpuInventory of(ClusterState cluster) {
        return new GpuInventory(cluster.nodes().stream()
                .map(node -> NodeCapacity.of(node, cluster.activePodsOn(node.getMetadata().getName())))
                .toList());
    }

    public List<NodeCapacity> nodes() {
        return nodes;
    }

    @Schema(description = "One GPU type on the cluster now")
    public record GpuTypeCapacity(
            @Schema(example = "NVIDIA-A100-SXM4-80GB") String gpuType,
            @Schema(description = "Nodes of this type portal workloads can use") int nodes,
            @Schema(description = "GPUs on those nodes") int total,
            @Schema(description = "GPUs requested by pods bound to them") int allocated,
            int free,
            @Schema(description = "The most free GPUs on one node: the largest workload that could start now")
            int largestFreeOnNode,
            @Schema(description = "The most GPUs one node has: the largest workload that could ever start")
            int largestNode) {
    }

    /** Per GPU type, sorted by name. */
    public Map<String, GpuTypeCapacity> byType() {
        Map<String, GpuTypeCapacity> types = new TreeMap<>();
        for (NodeCapacity node : nodes) {
            if (node.gpuType() == null || !node.usable() || node.gpus() == 0) {
                continue;
            }
            types.merge(node.gpuType(), new GpuTypeCapacity(node.gpuType(), 1, node.gpus(),
                    node.gpus() - node.freeGpus(), node.freeGpus(), node.freeGpus(), node.gpus()),
                    (a, b) -> new GpuTypeCapacity(a.gpuType(), a.nodes() + b.nodes(), a.total() + b.total(),
                            a.allocated() + b.allocated(), a.free() + b.free(),
                            Math.max(a.largestFreeOnNode(), b.largestFreeOnNode()),
                            Math.max(a.largestNode(), b.largestNode())));
        }
        return types;
    }

    public Optional<GpuTypeCapacity> type(String gpuType) {
        return Optional.ofNullable(byType().get(gpuType));
    }

    /** Whether some node has room for this pod now (GPU nodes of {@code gpuType}, or any usable node when CPU-only). */
    public boolean fitsNow(String gpuType, BigDecimal cpu, BigDecimal memory, int gpus) {
        return candidates(gpuType, gpus).stream().anyMatch(node -> node.fits(cpu, memory, gpus));
    }

    /** Whether some node could hold this pod were it empty. */
    public boolean couldEverFit(String gpuType, BigDecimal cpu, BigDecimal memory, int gpus) {
        return candidates(gpuType, gpus).stream().anyMatch(node -> node.couldEverFit(cpu, memory, gpus));
    }

    /** The most CPU and memory one usable node of the kind has (for "no node has 200 CPUs"). */
    public BigDecimal largest(String gpuType, int gpus, String resource) {
        return candidates(gpuType, gpus).stream().map(node -> node.allocatable().getOrDefault(resource,
                BigDecimal.ZERO)).max(BigDecimal::compareTo).orElse(BigDecimal.ZERO);
    }

    private List<NodeCapacity> candidates(String gpuType, int gpus) {
        return nodes.stream()
                .filter(NodeCapacity::usable)
                .filter(node -> gpus == 0 ? node.gpuType() == null || node.gpuType().equals(gpuType)
                        : gpuType != null && gpuType.equals(node.gpuType()))
                .toList();
    }
}
