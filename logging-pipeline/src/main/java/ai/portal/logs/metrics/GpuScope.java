package ai.portal.logs.metrics;

import java.util.List;

/** Whose GPUs a query covers. The namespace always comes from the access check, the pods from the informer. */
sealed interface GpuScope {

    /** One notebook's or job's GPUs: the pods labelled with its name (live and recently deleted). */
    record Workload(String namespace, String workload, List<String> pods) implements GpuScope {
        public Workload {
            pods = List.copyOf(pods);
        }
    }

    /** Every GPU a team's pods hold. */
    record Team(String namespace) implements GpuScope {
    }

    /** Every GPU of the cluster, by GPU type (platform admins). */
    record Fleet() implements GpuScope {
    }
}
