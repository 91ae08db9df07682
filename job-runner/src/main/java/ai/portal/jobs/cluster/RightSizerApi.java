package ai.portal.jobs.cluster;

/**
 * The VerticalPodAutoscaler API ({@code autoscaling.k8s.io/v1}): a CRD of the cluster's VPA installation, watched by
 * {@link ClusterState} and written by the workload operator only with right-sizing on.
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
}
