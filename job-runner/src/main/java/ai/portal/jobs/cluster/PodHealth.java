package ai.portal.jobs.cluster;

import java.util.List;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;

/**
 * What a pod's status says about the portal's own servers (a team's tracking server, its model servers): Ready or
 * not, and whether it is stuck in a way that needs someone to change something. Pure reads of the pod.
 */
public final class PodHealth {

    /** Waiting reasons of a container that will not start without someone changing something. */
    private static final List<String> STUCK = List.of("CrashLoopBackOff", "ImagePullBackOff", "ErrImagePull",
            "CreateContainerConfigError", "CreateContainerError", "InvalidImageName");

    /** Why a pod does not serve: its phase is Failed ({@code reason} null), or a container is stuck waiting. */
    public record Stuck(String reason, Integer lastExitCode, String message) {
    }

    private PodHealth() {
    }

    /** The pod's Ready condition is True. */
    public static boolean ready(Pod pod) {
        return pod.getStatus() != null && pod.getStatus().getConditions() != null && pod.getStatus().getConditions()
                .stream().anyMatch(condition -> "Ready".equals(condition.getType())
                        && "True".equals(condition.getStatus()));
    }

    /** Ready, not being deleted, with an IP: a pod to send requests to. */
    public static boolean serving(Pod pod) {
        return pod.getMetadata().getDeletionTimestamp() == null && pod.getStatus() != null
                && pod.getStatus().getPodIP() != null && ready(pod);
    }

    /** The pod failed, or one of its containers waits for a reason that needs someone to act. */
    public static Optional<Stuck> stuck(Pod pod) {
        if (pod.getStatus() == null) {
            return Optional.empty();
        }
        if ("Failed".equals(pod.getStatus().getPhase())) {
            return Optional.of(new Stuck(null, null, pod.getStatus().getMessage()));
        }
        List<ContainerStatus> containers = pod.getStatus().getContainerStatuses() == null ? List.of()
                : pod.getStatus().getContainerStatuses();
        for (ContainerStatus container : containers) {
            var waiting = container.getState() == null ? null : container.getState().getWaiting();
            if (waiting != null && STUCK.contains(waiting.getReason())) {
                var last = container.getLastState() == null ? null : container.getLastState().getTerminated();
                return Optional.of(new Stuck(waiting.getReason(), last == null ? null : last.getExitCode(),
                        waiting.getMessage()));
            }
        }
        return Optional.empty();
    }
}
