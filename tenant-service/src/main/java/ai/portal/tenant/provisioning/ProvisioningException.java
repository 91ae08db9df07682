package ai.portal.tenant.provisioning;

import ai.portal.tenant.cluster.ApiServerErrors;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Kubernetes refused (or could not be asked) to make a team's namespace match the team. The message names the
 * object and quotes the API server, e.g. {@code ResourceQuota team-a/team-quota: admission webhook "x" denied the
 * request: ...}, so the team's status can show it as is.
 */
public class ProvisioningException extends RuntimeException {

    public ProvisioningException(String message, Throwable cause) {
        super(message, cause);
    }

    public ProvisioningException(String message) {
        super(message);
    }

    static ProvisioningException of(String action, HasMetadata object, KubernetesClientException e) {
        String namespace = object.getMetadata().getNamespace();
        String target = object.getKind() + " " + (namespace == null ? "" : namespace + "/")
                + object.getMetadata().getName();
        return of(action + " " + target, e);
    }

    static ProvisioningException of(String what, KubernetesClientException e) {
        return new ProvisioningException(what + " failed: " + ApiServerErrors.message(e), e);
    }
}
