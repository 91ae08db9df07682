package ai.portal.tenant.cluster;

import io.fabric8.kubernetes.client.KubernetesClientException;

/** What the API server said when it refused something, in words a person can act on. */
public final class ApiServerErrors {

    /** The API server's own words when it answered, otherwise the client's (connection refused, timeout, ...). */
    public static String message(KubernetesClientException e) {
        if (e.getStatus() != null && e.getStatus().getMessage() != null && !e.getStatus().getMessage().isBlank()) {
            return e.getStatus().getMessage();
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + root + ")";
    }

    private ApiServerErrors() {
    }
}
