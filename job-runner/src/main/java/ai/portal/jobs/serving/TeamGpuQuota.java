package ai.portal.jobs.serving;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import ai.portal.platform.team.GpuResources;
import ai.portal.platform.team.PortalLabels;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A team's GPU quota of one type as model servers must respect it (pure). Kubernetes' ResourceQuota only knows
 * {@code requests.nvidia.com/gpu} over all types (with the cohort's borrowing on top); the per-type quota is Kueue's,
 * which admits notebooks and jobs but never sees a model server. So the job runner reads the team's quota per type
 * where tenant-service writes it for it (the ResourceQuota's {@code portal.ai/gpu-quota}, {@code {"<type>": n}}) and
 * counts what the team's pods hold of that type (every non-terminated pod of the namespace: notebooks, jobs and
 * model servers alike, by the product they select). A model server never borrows: it is not preemptible by Kueue,
 * so borrowed GPUs could never be reclaimed by the team that lent them.
 */
final class TeamGpuQuota {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private TeamGpuQuota() {
    }

    /** The team's GPUs per type from its ResourceQuota's annotation (empty: none set, or unreadable). */
    static Map<String, Integer> perType(Optional<ResourceQuota> quota) {
        String json = quota.map(found -> found.getMetadata().getAnnotations())
                .map(annotations -> annotations.get(PortalLabels.GPU_QUOTA)).orElse(null);
        Map<String, Integer> types = new TreeMap<>();
        if (json == null || json.isBlank()) {
            return types;
        }
        try {
            JsonNode parsed = JSON.readTree(json);
            for (Map.Entry<String, JsonNode> type : parsed.properties()) {
                if (type.getValue().canConvertToInt()) {
                    types.put(type.getKey(), type.getValue().asInt());
                }
            }
        } catch (JacksonException unreadable) {
            return Map.of();
        }
        return types;
    }

    /** GPUs of {@code type} the pods of {@code namespace} request (non-terminated pods, by their product selector). */
    static int held(List<Pod> activePods, String namespace, String type) {
        BigDecimal held = BigDecimal.ZERO;
        for (Pod pod : activePods) {
            if (!namespace.equals(pod.getMetadata().getNamespace()) || pod.getSpec() == null
                    || pod.getSpec().getNodeSelector() == null
                    || !type.equals(pod.getSpec().getNodeSelector().get(GpuResources.PRODUCT_LABEL))) {
                continue;
            }
            for (var container : pod.getSpec().getContainers()) {
                Quantity gpus = container.getResources() == null || container.getResources().getRequests() == null
                        ? null : container.getResources().getRequests().get(GpuResources.RESOURCE);
                if (gpus != null) {
                    held = held.add(gpus.getNumericalAmount());
                }
            }
        }
        return held.intValue();
    }
}
