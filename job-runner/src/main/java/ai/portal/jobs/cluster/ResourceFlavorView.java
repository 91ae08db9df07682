package ai.portal.jobs.cluster;

import java.util.LinkedHashMap;
import java.util.Map;

import ai.portal.platform.team.GpuResources;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;

/** A Kueue {@code ResourceFlavor}: its name and the node labels that make it (for GPUs, the GPU product). */
public record ResourceFlavorView(String name, Map<String, String> nodeLabels) {

    public static ResourceFlavorView of(GenericKubernetesResource resource) {
        Map<String, String> labels = new LinkedHashMap<>();
        Fields.map(resource.getAdditionalProperties(), "spec", "nodeLabels")
                .forEach((key, value) -> labels.put(key, String.valueOf(value)));
        return new ResourceFlavorView(resource.getMetadata().getName(), Map.copyOf(labels));
    }

    /** The GPU type this flavor selects, or null for a flavor that does not select one. */
    public String gpuType() {
        return nodeLabels.get(GpuResources.PRODUCT_LABEL);
    }
}
