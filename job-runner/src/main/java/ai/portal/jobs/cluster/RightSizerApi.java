package ai.portal.jobs.cluster;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;

/**
 * The VerticalPodAutoscaler API ({@code autoscaling.k8s.io/v1}): a CRD of the cluster's VPA installation, watched by
 * {@link ClusterState} and written (notebooks and jobs, model servers) only with right-sizing on.
 */
public final class RightSizerApi {

    public static final String GROUP = "autoscaling.k8s.io";
    public static final String VERSION = "v1";
    public static final String API_VERSION = GROUP + "/" + VERSION;
    public static final String KIND = "VerticalPodAutoscaler";
    public static final String PLURAL = "verticalpodautoscalers";
    /** What the recommender measured per VPA and container (named {@code <vpa>-<container>}; it makes them). */
    public static final String CHECKPOINT_KIND = "VerticalPodAutoscalerCheckpoint";
    public static final String CHECKPOINT_PLURAL = "verticalpodautoscalercheckpoints";

    private RightSizerApi() {
    }

    /**
     * A VerticalPodAutoscaler in recommendation mode ({@code updateMode: "Off"}) for one container of the object
     * {@code targetKind}/{@code targetName}: the cluster's VPA recommender writes what the container needs (target,
     * bounds) into its status from the measured usage, and nothing else acts on it: no pod is evicted or resized.
     */
    public static GenericKubernetesResource recommendationOnly(ObjectMeta metadata, String targetApiVersion,
                                                               String targetKind, String targetName,
                                                               String container) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("targetRef", Map.of("apiVersion", targetApiVersion, "kind", targetKind, "name", targetName));
        spec.put("updatePolicy", Map.of("updateMode", "Off"));
        spec.put("resourcePolicy", Map.of("containerPolicies", List.of(Map.of("containerName", container,
                "controlledResources", List.of("cpu", "memory")))));
        GenericKubernetesResource vpa = new GenericKubernetesResource();
        vpa.setApiVersion(API_VERSION);
        vpa.setKind(KIND);
        vpa.setMetadata(metadata);
        vpa.setAdditionalProperty("spec", spec);
        return vpa;
    }
}
