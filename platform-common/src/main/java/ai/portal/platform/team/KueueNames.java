package ai.portal.platform.team;

import java.util.Locale;

/**
 * The names of the Kueue objects that admit a team's workloads. ClusterQueues and ResourceFlavors are
 * cluster-scoped, so their names carry the installation id: two portals on one cluster never share or change each
 * other's queues. tenant-service provisions them; the job runner labels workloads with {@link #LOCAL_QUEUE}.
 */
public final class KueueNames {

    /** The label Kueue reads on a Job, StatefulSet or Pod to know its LocalQueue. */
    public static final String QUEUE_LABEL = "kueue.x-k8s.io/queue-name";
    /** The label naming a workload's WorkloadPriorityClass. */
    public static final String PRIORITY_LABEL = "kueue.x-k8s.io/priority-class";
    /** Every team namespace has one LocalQueue of this name, pointing at the team's ClusterQueue. */
    public static final String LOCAL_QUEUE = "team";
    /** The flavor that covers CPU and memory on every node. */
    public static final String DEFAULT_FLAVOR_SUFFIX = "default";

    private KueueNames() {
    }

    /** The team's ClusterQueue: {@code <instance>-team-<slug>}. */
    public static String clusterQueue(String instance, String slug) {
        return instance + "-" + TeamNames.namespace(slug);
    }

    /** The cohort the teams of one installation borrow idle quota within: the installation id. */
    public static String cohort(String instance) {
        return instance;
    }

    /** The ResourceFlavor for CPU and memory: {@code <instance>-default}. */
    public static String defaultFlavor(String instance) {
        return instance + "-" + DEFAULT_FLAVOR_SUFFIX;
    }

    /**
     * The WorkloadPriorityClass of a priority within a team, {@code <instance>-low|normal|high}: cluster-scoped, one
     * set per installation, provisioned by tenant-service. The job runner labels a workload with it
     * ({@link #PRIORITY_LABEL}); Kueue orders a team's queue by it and preempts lower for higher within the team.
     */
    public static String priorityClass(String instance, WorkloadPriority priority) {
        return instance + "-" + priority.wireName();
    }

    /**
     * The ResourceFlavor of one GPU type ({@link GpuResources#PRODUCT_LABEL} value), e.g.
     * {@code <instance>-nvidia-a100-sxm4-80gb}: lower-cased, anything but letters and digits made a dash.
     */
    public static String gpuFlavor(String instance, String gpuType) {
        String name = gpuType.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-+)|(-+$)", "");
        return instance + "-" + name;
    }
}
