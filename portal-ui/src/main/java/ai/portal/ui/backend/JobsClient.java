package ai.portal.ui.backend;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

import ai.portal.ui.backend.JobsApi.Capacity;
import ai.portal.ui.backend.JobsApi.Check;
import ai.portal.ui.backend.JobsApi.Detail;
import ai.portal.ui.backend.JobsApi.GpuTypeCapacity;
import ai.portal.ui.backend.JobsApi.Image;
import ai.portal.ui.backend.JobsApi.ImageRequest;
import ai.portal.ui.backend.JobsApi.LaunchNotebook;
import ai.portal.ui.backend.JobsApi.Node;
import ai.portal.ui.backend.JobsApi.Settings;
import ai.portal.ui.backend.JobsApi.SubmitJob;
import ai.portal.ui.backend.JobsApi.TeamIdleLimits;
import ai.portal.ui.backend.JobsApi.TeamIdleSettings;
import ai.portal.ui.backend.JobsApi.DeployModelRequest;
import ai.portal.ui.backend.JobsApi.ModelApiKey;
import ai.portal.ui.backend.JobsApi.ModelApiKeyRequest;
import ai.portal.ui.backend.JobsApi.ModelDeployment;
import ai.portal.ui.backend.JobsApi.ModelDeploymentUpdate;
import ai.portal.ui.backend.JobsApi.ModelScalingHistory;
import ai.portal.ui.backend.JobsApi.RegisteredModel;
import ai.portal.ui.backend.JobsApi.TrackingStatus;
import ai.portal.ui.backend.JobsApi.UsageQuery;
import ai.portal.ui.backend.JobsApi.UsageRow;
import ai.portal.ui.backend.JobsApi.Workload;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import org.springframework.web.util.UriBuilder;
import reactor.core.Disposable;
import tools.jackson.databind.json.JsonMapper;

/** job-runner, as the UI uses it: notebooks, jobs, their detail, the image catalogue, what a team can launch. */
public class JobsClient {

    private static final ParameterizedTypeReference<List<Workload>> WORKLOADS = new ParameterizedTypeReference<>() { };

    private static final ParameterizedTypeReference<ServerSentEvent<String>> EVENT = new ParameterizedTypeReference<>() { };

    private final RestClient rest;
    private final WebClient streaming;
    private final UserTokens tokens;
    private final JsonMapper json;
    private final String notebooksUrl;

    JobsClient(RestClient rest, WebClient streaming, UserTokens tokens, JsonMapper json, String notebooksUrl) {
        this.rest = rest;
        this.streaming = streaming;
        this.tokens = tokens;
        this.json = json;
        this.notebooksUrl = notebooksUrl.replaceAll("/+$", "");
    }

    /** Where the browser opens a notebook's JupyterLab: the job runner's notebook proxy, signed in by SSO. */
    public String openUrl(Workload notebook) {
        return notebooksUrl + notebook.url() + "lab";
    }

    public List<Workload> workloads(String team) {
        return orEmpty(Calls.call(Backend.JOBS, () -> rest.get().uri("/api/v1/teams/{team}/workloads", team)
                .retrieve().body(WORKLOADS)));
    }

    public List<Workload> notebooks(String team) {
        return orEmpty(Calls.call(Backend.JOBS, () -> rest.get().uri("/api/v1/teams/{team}/notebooks", team)
                .retrieve().body(WORKLOADS)));
    }

    public List<Workload> jobs(String team) {
        return orEmpty(Calls.call(Backend.JOBS, () -> rest.get().uri("/api/v1/teams/{team}/jobs", team)
                .retrieve().body(WORKLOADS)));
    }

    /** The caller's own notebooks and jobs in all their teams, with status, queue position and ETA. */
    public List<Workload> mine() {
        return orEmpty(Calls.call(Backend.JOBS, () -> rest.get().uri("/api/v1/workloads/mine")
                .retrieve().body(WORKLOADS)));
    }

    public Detail detail(String team, String name) {
        return Calls.call(Backend.JOBS, () -> rest.get().uri("/api/v1/teams/{team}/workloads/{name}", team, name)
                .retrieve().body(Detail.class));
    }

    public Capacity capacity(String team) {
        return Calls.call(Backend.JOBS, () -> rest.get().uri("/api/v1/teams/{team}/capacity", team)
                .retrieve().body(Capacity.class));
    }

    public List<Image> images() {
        return orEmpty(Calls.call(Backend.JOBS, () -> rest.get().uri("/api/v1/images")
                .retrieve().body(new ParameterizedTypeReference<List<Image>>() { })));
    }

    public Image addImage(ImageRequest image) {
        return Calls.call(Backend.JOBS, () -> rest.post().uri("/api/v1/images").body(image).retrieve()
                .body(Image.class));
    }

    public Image changeImage(String id, ImageRequest image) {
        return Calls.call(Backend.JOBS, () -> rest.put().uri("/api/v1/images/{id}", id).body(image).retrieve()
                .body(Image.class));
    }

    public void removeImage(String id) {
        Calls.run(Backend.JOBS, () -> rest.delete().uri("/api/v1/images/{id}", id).retrieve().toBodilessEntity());
    }

    public Settings settings() {
        return Calls.call(Backend.JOBS, () -> rest.get().uri("/api/v1/settings").retrieve().body(Settings.class));
    }

    public Settings changeSettings(Settings settings) {
        return Calls.call(Backend.JOBS, () -> rest.put().uri("/api/v1/settings").body(settings).retrieve()
                .body(Settings.class));
    }

    /** The idle limits that hold for a team's notebooks (its members and admins). */
    public TeamIdleSettings teamIdleLimits(String team) {
        return Calls.call(Backend.JOBS, () -> rest.get().uri("/api/v1/settings/teams/{team}", team).retrieve()
                .body(TeamIdleSettings.class));
    }

    /** The team's experiment tracking (its members and admins). */
    public TrackingStatus tracking(String team) {
        return Calls.call(Backend.JOBS, () -> rest.get().uri("/api/v1/teams/{team}/tracking", team).retrieve()
                .body(TrackingStatus.class));
    }

    /** Switches the team's experiment tracking on or off (owners and admins). */
    public TrackingStatus setTracking(String team, boolean on) {
        return Calls.call(Backend.JOBS, () -> (on ? rest.put() : rest.delete())
                .uri("/api/v1/teams/{team}/tracking", team).retrieve().body(TrackingStatus.class));
    }

    /** Where the browser opens the team's MLflow: the job runner's proxy, signed in by SSO. */
    public String trackingUrl(TrackingStatus tracking) {
        return notebooksUrl + tracking.uiPath();
    }

    /** The team's registered models (its members and admins); 409 while its experiment tracking is off. */
    public List<RegisteredModel> models(String team) {
        return orEmpty(Calls.call(Backend.JOBS, () -> rest.get().uri("/api/v1/teams/{team}/models", team).retrieve()
                .body(new ParameterizedTypeReference<List<RegisteredModel>>() { })));
    }

    /** The team's model deployments with their status. */
    public List<ModelDeployment> modelDeployments(String team) {
        return orEmpty(Calls.call(Backend.JOBS, () -> rest.get().uri("/api/v1/teams/{team}/model-deployments", team)
                .retrieve().body(new ParameterizedTypeReference<List<ModelDeployment>>() { })));
    }

    /** Deploys a registered model version (owners and members). */
    public ModelDeployment deployModel(String team, DeployModelRequest request) {
        return Calls.call(Backend.JOBS, () -> rest.post().uri("/api/v1/teams/{team}/model-deployments", team)
                .body(request).retrieve().body(ModelDeployment.class));
    }

    /** Deletes a model deployment (owners and members). */
    public void deleteModelDeployment(String team, String name) {
        Calls.run(Backend.JOBS, () -> rest.delete().uri("/api/v1/teams/{team}/model-deployments/{name}", team, name)
                .retrieve().toBodilessEntity());
    }

    /** Rolls out another version and/or changes the rate limit (owners and members). */
    public ModelDeployment updateModelDeployment(String team, String name, ModelDeploymentUpdate update) {
        return Calls.call(Backend.JOBS, () -> rest.patch().uri("/api/v1/teams/{team}/model-deployments/{name}", team,
                name).body(update).retrieve().body(ModelDeployment.class));
    }

    /** An autoscaled deployment's replicas over the last day, each rescale with what drove it (any member). */
    public ModelScalingHistory modelScalingHistory(String team, String name) {
        return Calls.call(Backend.JOBS, () -> rest.get().uri(
                "/api/v1/teams/{team}/model-deployments/{name}/scaling-history", team, name).retrieve()
                .body(ModelScalingHistory.class));
    }

    /** Rolls back to the version served before (owners and members). */
    public ModelDeployment rollbackModelDeployment(String team, String name) {
        return Calls.call(Backend.JOBS, () -> rest.post().uri("/api/v1/teams/{team}/model-deployments/{name}/rollback",
                team, name).retrieve().body(ModelDeployment.class));
    }

    /** The deployment's API keys, never the keys themselves (any member). */
    public List<ModelApiKey> modelKeys(String team, String name) {
        return orEmpty(Calls.call(Backend.JOBS, () -> rest.get().uri(
                        "/api/v1/teams/{team}/model-deployments/{name}/keys", team, name).retrieve()
                .body(new ParameterizedTypeReference<List<ModelApiKey>>() { })));
    }

    /** A new API key: the answer holds the key, the only time it is shown (owners and members). */
    public ModelApiKey createModelKey(String team, String name, String keyName) {
        return Calls.call(Backend.JOBS, () -> rest.post().uri("/api/v1/teams/{team}/model-deployments/{name}/keys",
                team, name).body(new ModelApiKeyRequest(keyName)).retrieve().body(ModelApiKey.class));
    }

    /** Revokes an API key (owners and members). */
    public void revokeModelKey(String team, String name, String id) {
        Calls.run(Backend.JOBS, () -> rest.delete().uri("/api/v1/teams/{team}/model-deployments/{name}/keys/{id}",
                team, name, id).retrieve().toBodilessEntity());
    }

    /** Where programs call a deployed model: the job runner's gateway (a member's bearer token). */
    public String modelUrl(ModelDeployment deployment) {
        return notebooksUrl + deployment.invocationsPath();
    }

    /** Every team with idle limits of its own (platform admins). */
    public List<TeamIdleSettings> teamIdleOverrides() {
        return orEmpty(Calls.call(Backend.JOBS, () -> rest.get().uri("/api/v1/settings/teams").retrieve()
                .body(new ParameterizedTypeReference<List<TeamIdleSettings>>() { })));
    }

    public TeamIdleSettings setTeamIdleLimits(String team, TeamIdleLimits limits) {
        return Calls.call(Backend.JOBS, () -> rest.put().uri("/api/v1/settings/teams/{team}", team).body(limits)
                .retrieve().body(TeamIdleSettings.class));
    }

    /** The team follows the platform's idle limits again. */
    public TeamIdleSettings resetTeamIdleLimits(String team) {
        return Calls.call(Backend.JOBS, () -> rest.delete().uri("/api/v1/settings/teams/{team}", team).retrieve()
                .body(TeamIdleSettings.class));
    }

    /** Per GPU type: nodes, GPUs, allocated, free, the most free on one node. */
    public List<GpuTypeCapacity> clusterGpus() {
        return orEmpty(Calls.call(Backend.JOBS, () -> rest.get().uri("/api/v1/cluster/gpus")
                .retrieve().body(new ParameterizedTypeReference<List<GpuTypeCapacity>>() { })));
    }

    /** Every node with its GPU type and allocation (platform admins). */
    public List<Node> clusterNodes() {
        return orEmpty(Calls.call(Backend.JOBS, () -> rest.get().uri("/api/v1/cluster/nodes")
                .retrieve().body(new ParameterizedTypeReference<List<Node>>() { })));
    }

    /** GPU-, CPU- and memory-seconds per team, user or GPU type over the period (members: their teams). */
    public List<UsageRow> usage(UsageQuery query) {
        return orEmpty(Calls.call(Backend.JOBS, () -> rest.get().uri(uri -> usageUri(uri, query))
                .accept(MediaType.APPLICATION_JSON).retrieve()
                .body(new ParameterizedTypeReference<List<UsageRow>>() { })));
    }

    /** The same report as the job runner's CSV (RFC 4180), for a download. */
    public byte[] usageCsv(UsageQuery query) {
        return Calls.call(Backend.JOBS, () -> rest.get().uri(uri -> usageUri(uri, query))
                .accept(MediaType.parseMediaType("text/csv")).retrieve().body(byte[].class));
    }

    private static java.net.URI usageUri(UriBuilder uri, UsageQuery query) {
        uri.path("/api/v1/usage").queryParam("groupBy", query.groupBy().wire());
        if (query.from() != null) {
            uri.queryParam("from", query.from().toString());
        }
        if (query.to() != null) {
            uri.queryParam("to", query.to().toString());
        }
        if (query.team() != null) {
            uri.queryParam("team", query.team());
        }
        return uri.build();
    }

    /** What a team's live stream of workload changes says. */
    public sealed interface StreamEvent {
    }

    /** Every workload of the team, first thing after connecting. */
    public record Snapshot(List<Workload> workloads) implements StreamEvent {
    }

    /** One workload changed (its status, queue position, ETA...). */
    public record Changed(Workload workload) implements StreamEvent {
    }

    /** One workload is gone. */
    public record Removed(String name) implements StreamEvent {
    }

    /** The caller whose token opened the stream may no longer see the team; the stream ends. */
    public record Denied(String detail) implements StreamEvent {
    }

    /**
     * Follows the team's workload changes (server-sent events) until disposed, the stream ends ({@code onEnd} with
     * null) or fails ({@code onEnd} with why). Opened with the token of the user whose security context is current;
     * no reconnecting here: the caller chooses whose rights a new connection runs with.
     */
    public Disposable workloadStream(String team, Consumer<StreamEvent> onEvent, Consumer<BackendException> onEnd) {
        Supplier<String> token = tokens.ofCurrentUser(Backend.JOBS);
        return streaming.get()
                .uri("/api/v1/teams/{team}/workloads/stream", team)
                .headers(headers -> headers.setBearerAuth(token.get()))
                .accept(MediaType.TEXT_EVENT_STREAM)
                .retrieve()
                .bodyToFlux(EVENT)
                .subscribe(event -> {
                    StreamEvent parsed = parse(event);
                    if (parsed != null) {
                        onEvent.accept(parsed);
                    }
                }, failure -> onEnd.accept(failure instanceof WebClientResponseException response
                        ? new BackendException(Backend.JOBS, response.getStatusCode().value(), null, null,
                        List.of(), failure)
                        : failure instanceof BackendException known ? known
                        : BackendException.unreachable(Backend.JOBS, failure)), () -> onEnd.accept(null));
    }

    private StreamEvent parse(ServerSentEvent<String> event) {
        if (event.data() == null || event.event() == null) {
            return null; // a comment: "connected" or a heartbeat
        }
        return switch (event.event()) {
            case "snapshot" -> new Snapshot(List.of(json.readValue(event.data(), Workload[].class)));
            case "workload" -> new Changed(json.readValue(event.data(), Workload.class));
            case "removed" -> new Removed(String.valueOf(json.readValue(event.data(), java.util.Map.class).get("name")));
            case "denied" -> new Denied(String.valueOf(json.readValue(event.data(), java.util.Map.class).get("detail")));
            default -> null;
        };
    }

    public Check checkNotebook(String team, LaunchNotebook notebook) {
        return Calls.call(Backend.JOBS, () -> rest.post()
                .uri(uri -> uri.path("/api/v1/teams/{team}/notebooks").queryParam("dryRun", true).build(team))
                .body(notebook).retrieve().body(Check.class));
    }

    public Workload launchNotebook(String team, LaunchNotebook notebook) {
        return Calls.call(Backend.JOBS, () -> rest.post().uri("/api/v1/teams/{team}/notebooks", team)
                .body(notebook).retrieve().body(Workload.class));
    }

    public Workload stopNotebook(String team, String name) {
        return action("/api/v1/teams/{team}/notebooks/{name}/stop", team, name);
    }

    public Workload startNotebook(String team, String name) {
        return action("/api/v1/teams/{team}/notebooks/{name}/start", team, name);
    }

    /** A notebook's new CPU and memory request; a running notebook restarts with it. */
    public Workload resizeNotebook(String team, String name, String cpu, String memory) {
        return Calls.call(Backend.JOBS, () -> rest.post().uri("/api/v1/teams/{team}/notebooks/{name}/resize",
                team, name).body(java.util.Map.of("cpu", cpu, "memory", memory)).retrieve().body(Workload.class));
    }

    /** Keeps a running notebook from being stopped for idleness for {@code seconds} from now. */
    public Workload extendIdle(String team, String name, long seconds) {
        return Calls.call(Backend.JOBS, () -> rest.post().uri("/api/v1/teams/{team}/notebooks/{name}/idle-extension",
                team, name).body(java.util.Map.of("seconds", seconds)).retrieve().body(Workload.class));
    }

    public void deleteNotebook(String team, String name, boolean deleteWorkspace) {
        Calls.run(Backend.JOBS, () -> rest.delete().uri(uri -> uri.path("/api/v1/teams/{team}/notebooks/{name}")
                .queryParam("deleteWorkspace", deleteWorkspace).build(team, name)).retrieve().toBodilessEntity());
    }

    public Check checkJob(String team, SubmitJob job) {
        return Calls.call(Backend.JOBS, () -> rest.post()
                .uri(uri -> uri.path("/api/v1/teams/{team}/jobs").queryParam("dryRun", true).build(team))
                .body(job).retrieve().body(Check.class));
    }

    public Workload submitJob(String team, SubmitJob job) {
        return Calls.call(Backend.JOBS, () -> rest.post().uri("/api/v1/teams/{team}/jobs", team)
                .body(job).retrieve().body(Workload.class));
    }

    public Workload cancelJob(String team, String name) {
        return action("/api/v1/teams/{team}/jobs/{name}/cancel", team, name);
    }

    public void deleteJob(String team, String name) {
        Calls.run(Backend.JOBS, () -> rest.delete().uri("/api/v1/teams/{team}/jobs/{name}", team, name)
                .retrieve().toBodilessEntity());
    }

    private Workload action(String path, String team, String name) {
        return Calls.call(Backend.JOBS, () -> rest.post().uri(path, team, name).retrieve().body(Workload.class));
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
