package ai.portal.jobs.cluster;

import java.math.BigDecimal;
import java.util.Collection;
import java.util.List;

import ai.portal.jobs.cluster.GpuInventory.GpuTypeCapacity;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
@RequestMapping("/api/v1/cluster")
@Tag(name = "cluster", description = "The cluster's GPU capacity as portal workloads can use it")
class InventoryController {

    private final ClusterState cluster;

    InventoryController(ClusterState cluster) {
        this.cluster = cluster;
    }

    @GetMapping("/gpus")
    @Operation(summary = "GPUs per type: total, allocated, free, the most free on one node, the largest node",
            description = "Any signed-in user: the launch dialog shows what is free")
    Mono<Collection<GpuTypeCapacity>> gpus() {
        return Mono.fromCallable(() -> GpuInventory.of(cluster).byType().values());
    }

    @Schema(description = "One node as portal workloads see it")
    record NodeView(String name, @Schema(description = "nvidia.com/gpu.product, null without GPUs") String gpuType,
                    int gpus, int gpusAllocated, String cpu, String cpuRequested, String memory,
                    String memoryRequested, @Schema(description = "Ready, schedulable, no foreign taint") boolean usable) {
    }

    @GetMapping("/nodes")
    @PreAuthorize("hasRole('platform-admin')")
    @Operation(summary = "Every node with its GPU type and allocation (platform admin)")
    Mono<List<NodeView>> nodes() {
        return Mono.fromCallable(() -> GpuInventory.of(cluster).nodes().stream()
                .map(node -> new NodeView(node.name(), node.gpuType(), node.gpus(), node.gpus() - node.freeGpus(),
                        plain(node.allocatable().get(NodeCapacity.CPU)),
                        plain(node.requested().getOrDefault(NodeCapacity.CPU, BigDecimal.ZERO)),
                        plain(node.allocatable().get(NodeCapacity.MEMORY)),
                        plain(node.requested().getOrDefault(NodeCapacity.MEMORY, BigDecimal.ZERO)), node.usable()))
                .sorted(java.util.Comparator.comparing(NodeView::name))
                .toList());
    }

    private static String plain(BigDecimal value) {
        return value == null ? "0" : value.stripTrailingZeros().toPlainString();
    }

}
