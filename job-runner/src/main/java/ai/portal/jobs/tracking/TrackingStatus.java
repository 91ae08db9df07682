package ai.portal.jobs.tracking;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import ai.portal.jobs.cluster.PodHealth;
import io.fabric8.kubernetes.api.model.Pod;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * A team's experiment tracking as the API shows it: what the team asked for and what runs, in plain words.
 *
 * @param state   {@code off}, {@code stopping} (switched off, the server is still stopping), {@code starting},
 *                {@code ready} or {@code failed}
 * @param message what the state means for the user, in English
 * @param uiPath  the MLflow UI behind the portal's proxy (relative to the job runner's public URL)
 * @param trackingUri what the team's new notebooks and jobs get in {@code MLFLOW_TRACKING_URI}; null when off
 */
@Schema(name = "TrackingStatus")
public record TrackingStatus(String team, boolean enabled, String state, String message, String uiPath,
                             String trackingUri, Instant updatedAt, String updatedBy) {

    static final String OFF = "off";
    static final String STOPPING = "stopping";
    static final String STARTING = "starting";
    static final String READY = "ready";
    static final String FAILED = "failed";

    /** The status from the team's row and the server's pods (this installation's, newest first). */
    static TrackingStatus of(String team, boolean enabled, Instant updatedAt, String updatedBy, List<Pod> pods) {
        String ui = TrackingResources.pathPrefix(team) + "/";
        if (!enabled) {
            return pods.isEmpty()
                    ? new TrackingStatus(team, false, OFF, "Experiment tracking is off. Runs logged before are kept.",
                    ui, null, updatedAt, updatedBy)
                    : new TrackingStatus(team, false, STOPPING, "The tracking server is stopping; its runs are kept.",
                    ui, null, updatedAt, updatedBy);
        }
        String uri = TrackingResources.trackingUri(team);
        if (pods.isEmpty()) {
            return new TrackingStatus(team, true, STARTING, "The tracking server is being created.", ui, uri,
                    updatedAt, updatedBy);
        }
        Pod pod = pods.getFirst();
        if (PodHealth.ready(pod)) {
            return new TrackingStatus(team, true, READY, "The tracking server is ready.", ui, uri, updatedAt,
                    updatedBy);
        }
        Optional<String> failure = failure(pod);
        if (failure.isPresent()) {
            return new TrackingStatus(team, true, FAILED, failure.get(), ui, uri, updatedAt, updatedBy);
        }
        String message = pod.getSpec() == null || pod.getSpec().getNodeName() == null
                ? "The tracking server waits for a node to run on."
                : "The tracking server is starting (the first start prepares its database and takes a minute or two).";
        return new TrackingStatus(team, true, STARTING, message, ui, uri, updatedAt, updatedBy);
    }

    private static Optional<String> failure(Pod pod) {
        return PodHealth.stuck(pod).map(stuck -> stuck.reason() == null
                ? "The tracking server stopped: " + Optional.ofNullable(stuck.message()).orElse("its pod failed") + "."
                : "The tracking server does not start: " + stuck.reason() + (stuck.lastExitCode() != null
                ? " (it exited with code " + stuck.lastExitCode() + "; see its log)"
                : stuck.message() == null ? "" : " (" + stuck.message() + ")") + ".");
    }
}
