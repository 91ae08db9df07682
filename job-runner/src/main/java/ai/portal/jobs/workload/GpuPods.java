package ai.portal.jobs.workload;

import java.util.LinkedHashMap;
import java.util.Map;

import ai.portal.platform.team.GpuResources;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.TolerationBuilder;

/**
 * The one place that says what "a pod with N GPUs of type T" is, for notebooks, training jobs and model servers
 * alike (pure): the container requests {@code nvidia.com/gpu: N} with the limit equal to it (extended resources
 * cannot be overcommitted, and the device plugin hands out whole devices), the pod selects the nodes whose GPU
 * feature discovery label names the product, and tolerates the {@code nvidia.com/gpu} taint that keeps CPU pods off
 * GPU nodes. With N = 0 nothing changes: a CPU pod neither asks for GPUs nor lands on (or tolerates) GPU nodes.
 */
public final class GpuPods {

    private GpuPods() {
    }

    /** {@code container} with {@code gpus} GPUs requested and limited (0: as it is). */
    public static Container withGpus(Container container, int gpus) {
        if (gpus <= 0) {
            return container;
        }
        Quantity count = new Quantity(Integer.toString(gpus));
        Map<String, Quantity> requests = new LinkedHashMap<>(container.getResources() == null
                || container.getResources().getRequests() == null ? Map.of()
                : container.getResources().getRequests());
        Map<String, Quantity> limits = new LinkedHashMap<>(container.getResources() == null
                || container.getResources().getLimits() == null ? Map.of() : container.getResources().getLimits());
        requests.put(GpuResources.RESOURCE, count);
        limits.put(GpuResources.RESOURCE, count);
        return new ContainerBuilder(container)
                .withResources(new ResourceRequirementsBuilder().withRequests(requests).withLimits(limits).build())
                .build();
    }

    /**
     * {@code pod} placed on nodes of {@code gpuType}, tolerating the GPU taint, when it holds GPUs ({@code gpus > 0});
     * otherwise as it is.
     */
    public static PodSpec onGpuNodes(PodSpec pod, String gpuType, int gpus) {
        if (gpus <= 0) {
            return pod;
        }
        return new PodSpecBuilder(pod)
                .addToNodeSelector(GpuResources.PRODUCT_LABEL, gpuType)
                .addToTolerations(new TolerationBuilder().withKey(GpuResources.TAINT_KEY).withOperator("Exists")
                        .withEffect("NoSchedule").build())
                .build();
    }
}
