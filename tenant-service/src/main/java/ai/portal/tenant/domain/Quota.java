package ai.portal.tenant.domain;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A team's hard limits. Quantities are Kubernetes quantity strings ({@code "64"}, {@code "256Gi"}), validated
 * when they enter the API. GPUs are per GPU type (the node label {@code nvidia.com/gpu.product}); Kubernetes can
 * only quota their sum, so the per-type limits are enforced by the job runner's admission.
 *
 * @param cpu          total CPU requests, e.g. {@code "32"}
 * @param memory       total memory requests and limits, e.g. {@code "256Gi"}
 * @param storage      total PVC storage requests, e.g. {@code "1Ti"}
 * @param pvcs         number of PersistentVolumeClaims
 * @param maxNotebooks number of notebooks running at once
 * @param gpus         GPUs per GPU type, e.g. {@code {"NVIDIA-A100-SXM4-80GB": 4}}
 */
public record Quota(String cpu, String memory, String storage, int pvcs, int maxNotebooks, Map<String, Integer> gpus) {

    /** What a new team gets until an admin says otherwise: room for CPU work, no GPUs. */
    public static final Quota DEFAULT = new Quota("8", "32Gi", "100Gi", 10, 2, Map.of());

    public Quota {
        gpus = gpus == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(gpus));
    }

    public int totalGpus() {
        return gpus.values().stream().mapToInt(Integer::intValue).sum();
    }
}
