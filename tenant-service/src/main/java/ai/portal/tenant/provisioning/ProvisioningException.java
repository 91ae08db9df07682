package ai.portal.tenant.provisioning;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Kubernetes refused (or could not be asked) to make a team's namespace match the team. The message names the
 * object and quotes the API server, e.g. {@code ResourceQuota team-a/team-quota: admission webhook "x" denied the
 * request: ...}, so the team's status can show it as is.
 */
public class ProvisioningException extends RuntimeException {

    private final int code;

    public ProvisioningException(String message, int code, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public ProvisioningException(String message) {
        super(message);
        this.code = 0;
    }

    /** The HTTP status the API server answered with, {@code 0} when it did not answer. */
    public int code() {
        return code;
    }

    static ProvisioningException of(String action, HasMetadata object, KubernetesClientException e) {
        String namespace = object.getMetadata().getNamespace();
        String target = object.getKind() + " " + (namespace == null ? "" : namespace + "/")
                + object.getMetadata().getName();
        return of(action + " " + target, e);
    }

    static ProvisioningException of(String what, KubernetesClientException e) {
        return new ProvisioningException(what + " failed: " + apiServerMessage(e), e.getCode(), e);
    }

    /** The API server's own words when it answered, otherwise the client's (connection refused, timeout, ...). */
    static String apiServerMessage(KubernetesClientException e) {
        if (e.getStatus() != null && e.getStatus().getMessage() != null && !e.getStatus().getMessage().isBlank()) {
            return e.getStatus().getMessage();
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + root + ")";
    }
}
