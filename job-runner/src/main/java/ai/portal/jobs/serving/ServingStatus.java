package ai.portal.jobs.serving;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import ai.portal.jobs.cluster.ClusterState;
import ai.portal.jobs.cluster.PodHealth;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * A deployment's status in plain words, from its pods in the informer (never an API call per request) and, for a
 * quota's refusal (which leaves no pod to look at), the ReplicaSets' {@code FailedCreate} events.
 *
 * @param state           {@code starting}, {@code serving} or {@code failing}
 * @param message         what the state means for the user, in English
 * @param readyReplicas   replicas answering requests now
 * @param servingVersion  the model version the deployment serves: the version asked for once every Ready replica
 *                        serves it; during a rollout the version the other Ready replicas still serve (null while
 *                        none is Ready)
 * @param servingVersions every version a Ready replica serves now (two during a rollout)
 * @param rollout         while Ready replicas serve another version than the one asked for, or the asked-for one is
 *                        not up yet: how far the rollout is, and when it is stuck, why (the team's quota, no node
 *                        to run on, a server that fails to start or to pass its readiness check); null otherwise
 */
@Schema(name = "ModelDeploymentStatus")
public record ServingStatus(String state, String message, int readyReplicas, Integer servingVersion,
                            List<Integer> servingVersions, String rollout) {

    static final String STARTING = "starting";
    static final String SERVING = "serving";
    static final String FAILING = "failing";
    /** A server running but not Ready for this long fails its readiness check rather than loading. */
    static final Duration READINESS_GRACE = Duration.ofMinutes(3);

    /** The status with no events to consider (tests, a deployment with none). */
    static ServingStatus of(ModelDeployment deployment, List<Pod> pods) {
        return of(deployment, pods, List.of(), Instant.now());
    }

    /**
     * The status of {@code deployment} from its pods (this installation's, as the informer has them) and the
     * {@code FailedCreate} events of its ReplicaSets since it last changed.
     */
    static ServingStatus of(ModelDeployment deployment, List<Pod> pods, List<Event> failedCreates, Instant now) {
        List<Pod> live = pods.stream().filter(pod -> pod.getMetadata().getDeletionTimestamp() == null).toList();
        List<Pod> ready = live.stream().filter(PodHealth::ready).toList();
        int target = deployment.version();
        List<Pod> readyTarget = ready.stream().filter(pod -> version(pod).orElse(-1) == target).toList();
        Map<Integer, Long> readyByVersion = ready.stream().map(ServingStatus::version).flatMap(Optional::stream)
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        List<Integer> versions = readyByVersion.keySet().stream().sorted().toList();
        Integer serving = readyByVersion.entrySet().stream().filter(entry -> entry.getKey() != target)
                .max(Map.Entry.<Integer, Long>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                .map(Map.Entry::getKey).orElse(readyTarget.isEmpty() ? null : target);
        List<Pod> newPods = live.stream().filter(pod -> version(pod).orElse(-1) == target).toList();
        boolean oldPodsLeft = live.stream().anyMatch(pod -> version(pod).orElse(-1) != target);
        Optional<String> quota = failedCreates.stream()
                .max(Comparator.comparing(ClusterState::eventTime))
                .map(event -> "the team's quota refuses a new replica (" + event.getMessage() + ")");
        Optional<String> newPodsStuck = quota.isPresent() && newPods.size() < deployment.replicas() ? quota
                : stuck(newPods, now);
        String model = deployment.model();

        String rollout = null;
        if (oldPodsLeft) {
            rollout = "Rolling out version " + target + ": " + readyTarget.size() + " of " + deployment.replicas()
                    + " replica" + (deployment.replicas() == 1 ? "" : "s") + " updated"
                    + newPodsStuck.map(why -> "; stuck: " + why + ". Version " + (serving == null ? "?" : serving)
                    + " keeps serving until it is resolved or rolled back").orElse("") + ".";
        }
        if (!ready.isEmpty()) {
            String replicas = ready.size() + " of " + deployment.replicas() + " replica"
                    + (deployment.replicas() == 1 ? "" : "s");
            String message = "Serving version " + serving + " of " + model + " on " + replicas + ".";
            if (rollout != null) {
                message += " " + rollout;
            } else if (newPodsStuck.isPresent()) {
                message += " The others do not start: " + newPodsStuck.get() + ".";
            } else if (ready.size() < deployment.replicas()) {
                message += " The others are starting.";
            }
            return new ServingStatus(SERVING, message, ready.size(), serving, versions, rollout);
        }
        Optional<String> failure = live.stream().map(ServingStatus::failure).flatMap(Optional::stream).findFirst();
        if (failure.isPresent()) {
            return new ServingStatus(FAILING, failure.get(), 0, null, versions, rollout);
        }
        if (quota.isPresent()) {
            return new ServingStatus(FAILING, "The model server cannot start: " + quota.get() + ". Free some of "
                    + "the team's quota or ask for fewer or smaller replicas.", 0, null, versions, rollout);
        }
        if (live.isEmpty()) {
            return new ServingStatus(STARTING, "The model server of " + model + " version " + target
                    + " is being created.", 0, null, versions, rollout);
        }
        boolean unscheduled = live.stream().allMatch(pod -> pod.getSpec() == null
                || pod.getSpec().getNodeName() == null);
        if (unscheduled) {
            String why = live.stream().map(ServingStatus::unschedulable).flatMap(Optional::stream).findFirst()
                    .map(reason -> " (" + reason + ")").orElse("");
            return new ServingStatus(STARTING, "The model server waits for a node to run on" + why + ".", 0, null,
                    versions, rollout);
        }
        return new ServingStatus(STARTING, "The model server is starting: it downloads version " + target + " of "
                + model + " from the team's registry and loads it.", 0, null, versions, rollout);
    }

    /** Why the pods of the version asked for do not come up, when something must change for them to. */
    private static Optional<String> stuck(List<Pod> pods, Instant now) {
        List<Pod> notReady = pods.stream().filter(pod -> !PodHealth.ready(pod)).toList();
        Optional<String> failing = notReady.stream().map(ServingStatus::failure).flatMap(Optional::stream)
                .findFirst();
        if (failing.isPresent()) {
            return failing.map(message -> message.endsWith(".") ? message.substring(0, message.length() - 1)
                    : message);
        }
        Optional<String> unscheduled = notReady.stream().filter(pod -> pod.getSpec() == null
                        || pod.getSpec().getNodeName() == null).map(ServingStatus::unschedulable)
                .flatMap(Optional::stream).findFirst().map(reason -> "no node to run on (" + reason + ")");
        if (unscheduled.isPresent()) {
            return unscheduled;
        }
        return notReady.stream().map(pod -> runningSince(pod)).flatMap(Optional::stream)
                .filter(since -> since.plus(READINESS_GRACE).isBefore(now)).findFirst()
                .map(since -> "its readiness check (/ping) has failed since " + since
                        + " (a model it cannot load, or too little memory)");
    }

    private static Optional<Instant> runningSince(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
            return Optional.empty();
        }
        return pod.getStatus().getContainerStatuses().stream()
                .map(ContainerStatus::getState)
                .filter(state -> state != null && state.getRunning() != null
                        && state.getRunning().getStartedAt() != null)
                .map(state -> Instant.parse(state.getRunning().getStartedAt())).findFirst();
    }

    static Optional<Integer> version(Pod pod) {
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
