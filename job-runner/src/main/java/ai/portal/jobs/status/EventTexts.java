package ai.portal.jobs.status;

import java.time.Instant;

import ai.portal.jobs.cluster.ClusterState;
import io.fabric8.kubernetes.api.model.Event;

/** Kubernetes' and Kueue's event reasons, in words a data scientist reads without knowing Kubernetes. */
final class EventTexts {

    private EventTexts() {
    }

    /**
     * Kueue's "couldn't assign flavors to pod set main: flavor a doesn't match node affinity, ..., insufficient
     * unused quota for nvidia.com/gpu in flavor b, 4 more needed" is, to its reader, "the quota is used up"; the
     * flavors that do not fit are Kueue's search, not news. The whole message stays in the event's message.
     */
    static String pending(String message) {
        java.util.regex.Matcher insufficient = StatusDeriver.INSUFFICIENT.matcher(message);
        if (!insufficient.find()) {
            return message;
        }
        String resource = switch (insufficient.group(1)) {
            case "nvidia.com/gpu" -> "GPU";
            case "cpu" -> "CPU";
            default -> insufficient.group(1);
        };
        if (message.contains("request > maximum capacity")) {
            return "it asks for more " + resource + " than the team's quota could ever give";
        }
        return "the team's " + resource + " quota is used up" + (insufficient.group(3) == null ? ""
                : " (" + insufficient.group(3) + " more needed)");
    }

    static KubernetesEvent plain(Event event) {
        String message = event.getMessage() == null ? "" : event.getMessage();
        String reason = event.getReason() == null ? "" : event.getReason();
        String text = switch (reason) {
            case "Scheduled" -> "placed on a node: " + message;
            case "FailedScheduling" -> "no node can take it yet: " + message;
            case "Pulling" -> "downloading the image";
            case "Pulled" -> "image ready";
            case "Failed", "ErrImagePull", "ImagePullBackOff" -> "problem with the container: " + message;
            case "Created" -> "container created";
            case "Started" -> "container started";
            case "Killing" -> "stopping the container";
            case "BackOff" -> "the container keeps exiting; restarting it after a pause";
            case "Unhealthy" -> "not ready yet: " + message;
            case "SuccessfulCreate" -> "created " + message.replaceFirst("^(?i)created ", "");
            case "SuccessfulDelete" -> "removed " + message.replaceFirst("^(?i)deleted ", "");
            case "FailedCreate" -> "Kubernetes refused to create its pod: " + message;
            case "Completed" -> "finished successfully";
            case "BackoffLimitExceeded" -> "failed too often; no more retries";
            case "DeadlineExceeded" -> "stopped: it reached its max runtime";
            case "Suspended" -> "held by the queue";
            case "Resumed" -> "released by the queue";
            case "CreatedWorkload" -> "submitted to the team's queue";
            case "QuotaReserved" -> "quota reserved: " + message;
            case "Admitted" -> "admitted by the queue";
            case "Pending" -> "waiting in the queue: " + pending(message);
            case "Preempted" -> "preempted: " + message;
            case "Evicted", "EvictedDueToPodsReadyTimeout" -> "evicted by the queue: " + message;
            case "Stopped" -> "stopped by the queue: " + message;
            case "FailedMount", "FailedAttachVolume" -> "its volume could not be attached: " + message;
            case "ProvisioningSucceeded" -> "workspace volume ready";
            default -> message.isBlank() ? reason : message;
        };
        String object = event.getInvolvedObject() == null ? ""
                : event.getInvolvedObject().getKind() + " " + event.getInvolvedObject().getName();
        String time = ClusterState.eventTime(event);
        return new KubernetesEvent(time == null ? null : Instant.parse(time), event.getType(), reason, text, object,
                event.getCount() == null ? 1 : event.getCount(), message);
    }
}
