package ai.portal.logs.kubernetes;

import java.util.Map;
import java.util.Optional;

/** What the cluster knows about a pod, for enriching its log lines. Lookups never block. */
public interface PodMetadata {

    Optional<PodInfo> lookup(String namespace, String pod);

    /** @param labels the pod's labels, keys as Kubernetes has them (de-dotting is the record's business) */
    record PodInfo(String uid, String nodeName, Map<String, String> labels) {
    }

    PodMetadata NONE = (namespace, pod) -> Optional.empty();
}
