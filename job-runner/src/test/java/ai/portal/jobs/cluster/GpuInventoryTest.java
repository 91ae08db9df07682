package ai.portal.jobs.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.List;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import org.junit.jupiter.api.Test;

class GpuInventoryTest {

    static final String A100 = "NVIDIA-A100-SXM4-80GB";

    static Node node(String name, String product, int gpus, String extraTaint, boolean ready) {
        NodeBuilder node = new NodeBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().endSpec()
                .withNewStatus()
                .addToAllocatable("cpu", new Quantity("96"))
                .addToAllocatable("memory", new Quantity("1Ti"))
                .addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").endCondition()
                .endStatus();
        if (product != null) {
            node.editMetadata().addToLabels("nvidia.com/gpu.product", product).endMetadata()
                    .editSpec().addNewTaint().withKey("nvidia.com/gpu").withValue("present").withEffect("NoSchedule")
                    .endTaint().endSpec()
                    .editStatus().addToAllocatable("nvidia.com/gpu", new Quantity(Integer.toString(gpus))).endStatus();
        }
        if (extraTaint != null) {
            node.editSpec().addNewTaint().withKey(extraTaint).withValue("x").withEffect("NoSchedule").endTaint()
                    .endSpec();
        }
        return node.build();
    }

    static Pod pod(int gpus, String cpu) {
        return new PodBuilder().withNewSpec().addNewContainer().withName("main").withNewResources()
                .addToRequests("cpu", new Quantity(cpu))
                .addToLimits("nvidia.com/gpu", new Quantity(Integer.toString(gpus)))
                .endResources().endContainer().endSpec().build();
    }

    @Test
    void countsFreeGpusPerTypeAndTheMostOnOneNode() {
        GpuInventory inventory = new GpuInventory(List.of(
                NodeCapacity.of(node("a1", A100, 4, null, true), List.of(pod(3, "1"))),
                NodeCapacity.of(node("a2", A100, 4, null, true), List.of(pod(2, "1"))),
                NodeCapacity.of(node("cpu", null, 0, null, true), List.of())));
        GpuInventory.GpuTypeCapacity a100 = inventory.type(A100).orElseThrow();
        assertThat(a100.nodes()).isEqualTo(2);
        assertThat(a100.total()).isEqualTo(8);
        assertThat(a100.allocated()).isEqualTo(5);
        assertThat(a100.free()).isEqualTo(3);
        assertThat(a100.largestFreeOnNode()).isEqualTo(2);
        assertThat(a100.largestNode()).isEqualTo(4);
        assertThat(inventory.fitsNow(A100, BigDecimal.ONE, BigDecimal.ONE, 2)).isTrue();
        assertThat(inventory.fitsNow(A100, BigDecimal.ONE, BigDecimal.ONE, 3)).isFalse();
        assertThat(inventory.couldEverFit(A100, BigDecimal.ONE, BigDecimal.ONE, 4)).isTrue();
        assertThat(inventory.couldEverFit(A100, BigDecimal.ONE, BigDecimal.ONE, 5)).isFalse();
        assertThat(inventory.fitsNow(null, BigDecimal.valueOf(90), BigDecimal.ONE, 0)).isTrue();
    }

    @Test
    void nodesPortalPodsCannotUseDoNotCount() {
        GpuInventory inventory = new GpuInventory(List.of(
                NodeCapacity.of(node("tainted", A100, 8, "sim.portal.ai/test-pool", true), List.of()),
                NodeCapacity.of(node("down", A100, 8, null, false), List.of()),
                NodeCapacity.of(node("ok", A100, 4, null, true), List.of())));
        assertThat(inventory.type(A100).orElseThrow().largestNode()).isEqualTo(4);
        assertThat(inventory.couldEverFit(A100, BigDecimal.ONE, BigDecimal.ONE, 8)).isFalse();
    }

    @Test
    void aGpuLimitWithoutRequestCountsAsRequested() {
        assertThat(NodeCapacity.podRequests(pod(2, "500m"))).containsEntry("nvidia.com/gpu", BigDecimal.valueOf(2))
                .containsEntry("cpu", new BigDecimal("0.500"));
    }
}
