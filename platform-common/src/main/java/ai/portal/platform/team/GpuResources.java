package ai.portal.platform.team;

/**
 * The names under which Kubernetes knows GPUs, as the NVIDIA device plugin and GPU feature discovery set them:
 * the same on a real cluster and on the simulated nodes.
 */
public final class GpuResources {

    /** The extended resource a pod requests: {@code nvidia.com/gpu: N} (limits = requests). */
    public static final String RESOURCE = "nvidia.com/gpu";
    /** The node label naming the GPU type, e.g. {@code NVIDIA-A100-SXM4-80GB}. */
    public static final String PRODUCT_LABEL = "nvidia.com/gpu.product";
    /** GPU nodes are tainted {@code nvidia.com/gpu=present:NoSchedule}; GPU pods tolerate it. */
    public static final String TAINT_KEY = "nvidia.com/gpu";

    private GpuResources() {
    }
}
