package ai.portal.tenant.cluster;

/** The cluster view cannot answer yet: its informers have not listed the cluster (API server unreachable, say). */
public class ClusterNotReadyException extends RuntimeException {

    public ClusterNotReadyException(String message) {
        super(message);
    }
}
