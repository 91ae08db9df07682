package ai.portal.jobs.workload;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Kubernetes refused to create, change or delete one of a workload's objects. The message is the API server's own
 * (an admission webhook's, a quota's), naming the object, because it usually says what to change.
 */
public class WorkloadApplyException extends RuntimeException {

    private final int code;

    public WorkloadApplyException(int code, String message) {
        super(message);
        this.code = code;
    }

    static WorkloadApplyException of(String action, HasMetadata object, KubernetesClientException e) {
        String reason = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage()
                : e.getMessage();
        return new WorkloadApplyException(e.getCode(), action + " " + object.getKind() + " "
                + object.getMetadata().getNamespace() + "/" + object.getMetadata().getName() + " failed: " + reason);
    }

    /** The API server's HTTP status (403 for a quota or Pod Security refusal, 409, 422 ...); 0 when unreachable. */
    public int code() {
        return code;
    }

    /**
     * Whether the API server answered with a refusal, so nothing was written. Without an answer (a timeout, the
     * connection lost: code 0), or with a 408, 429 or 5xx (its own timeout, a webhook that did not answer in time),
     * the object may have been written after all: an API server that is slow to answer still finishes the write.
     */
    public boolean refused() {
        return code >= 400 && code < 500 && code != 408 && code != 429;
    }
}
