package ai.portal.jobs.serving;

import java.util.List;
import java.util.Optional;

import ai.portal.jobs.cluster.PodHealth;
import io.fabric8.kubernetes.api.model.Pod;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * A deployment's status in plain words, from its pods in the informer (never an API call per request).
 *
 * @param state          {@code starting}, {@code serving} or {@code failing}
 * @param message        what the state means for the user, in English
 * @param readyReplicas  replicas answering requests now
 * @param servingVersion the model version the Ready replicas serve (null while none is Ready)
 */
@Schema(name = "ModelDeploymentStatus")
public record ServingStatus(String state, String message, int readyReplicas, Integer servingVersion) {

    static final String STARTING = "starting";
    static final String SERVING = "serving";
    static final String FAILING = "failing";

    /** The status of {@code deployment} from its pods (this installation's, as the informer has them). */
    static ServingStatus of(ModelDeployment deployment, List<Pod> pods) {
        List<Pod> live = pods.stream().filter(pod -> pod.getMetadata().getDeletionTimestamp() == null).toList();
        List<Pod> ready = live.stream().filter(PodHealth::ready).toList();
        Integer serving = ready.stream().map(ServingStatus::version).flatMap(Optional::stream).max(Integer::compare)
                .orElse(null);
        Optional<String> failure = live.stream().filter(pod -> !PodHealth.ready(pod)).map(ServingStatus::failure)
                .flatMap(Optional::stream).findFirst();
        String model = deployment.model();
        if (failure.isPresent() && ready.isEmpty()) {
            return new ServingStatus(FAILING, failure.get(), 0, null);
        }
        if (!ready.isEmpty()) {
            String replicas = ready.size() + " of " + deployment.replicas() + " replica"
                    + (deployment.replicas() == 1 ? "" : "s");
            String message = "Serving version " + serving + " of " + model + " on " + replicas + ".";
            if (failure.isPresent()) {
                message += " " + failure.get();
            } else if (ready.size() < deployment.replicas()) {
                message += " The others are starting.";
            }
            return new ServingStatus(SERVING, message, ready.size(), serving);
        }
        if (live.isEmpty()) {
            return new ServingStatus(STARTING, "The model server of " + model + " version " + deployment.version()
                    + " is being created.", 0, null);
        }
        boolean unscheduled = live.stream().allMatch(pod -> pod.getSpec() == null
                || pod.getSpec().getNodeName() == null);
        if (unscheduled) {
            String why = live.stream().map(ServingStatus::unschedulable).flatMap(Optional::stream).findFirst()
                    .map(reason -> " (" + reason + ")").orElse("");
            return new ServingStatus(STARTING, "The model server waits for a node to run on" + why + ".", 0, null);
        }
        return new ServingStatus(STARTING, "The model server is starting: it downloads version "
                + deployment.version() + " of " + model + " from the team's registry and loads it.", 0, null);
    }

    private static Optional<Integer> version(Pod pod) {
        try {
            return Optional.ofNullable(pod.getMetadata().getLabels())
                    .map(labels -> labels.get(ServingResources.VERSION_LABEL)).map(Integer::valueOf);
        } catch (NumberFormatException notANumber) {
            return Optional.empty();
        }
    }

    private static Optional<String> unschedulable(Pod pod) {
        return pod.getStatus() == null || pod.getStatus().getConditions() == null ? Optional.empty()
                : pod.getStatus().getConditions().stream()
                .filter(condition -> "PodScheduled".equals(condition.getType())
                        && "False".equals(condition.getStatus()) && condition.getMessage() != null)
                .map(condition -> condition.getMessage()).findFirst();
    }

    private static Optional<String> failure(Pod pod) {
        return PodHealth.stuck(pod).map(stuck -> stuck.reason() == null
                ? "A model server stopped: " + Optional.ofNullable(stuck.message()).orElse("its pod failed") + "."
                : "The model server does not start: " + stuck.reason() + (stuck.lastExitCode() != null
                ? " (it exited with code " + stuck.lastExitCode() + "; its log says why: often a model the server "
                + "cannot load)"
                : stuck.message() == null ? "" : " (" + stuck.message() + ")") + ".");
    }
}
