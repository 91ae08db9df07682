package ai.portal.jobs.serving;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.portal.jobs.tracking.TrackingResources;
import ai.portal.jobs.tracking.TrackingService;
import ai.portal.jobs.tracking.TrackingService.TrackingServer;
import ai.portal.platform.problem.ApiException;
import io.swagger.v3.oas.annotations.media.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * A team's model registry: its MLflow tracking server's REST API ({@code /api/2.0/mlflow/...} under the server's
 * {@code /mlflow/<team>} prefix), asked directly at the server's Ready pod (as the proxy reaches it). Tracking off is
 * a 409 that says so, and so is a server that is still starting.
 */
class ModelRegistry {

    private static final Logger log = LoggerFactory.getLogger(ModelRegistry.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    /** The title of the 409 while the team's tracking server starts (its other 409: tracking is off). */
    static final String REGISTRY_STARTING = "Model registry not ready";
    /** MLflow's own default and upper bound of one search page of model versions. */
    private static final int MAX_VERSIONS = 10_000;

    /** A registered model and its versions, newest first. */
    @Schema(name = "RegisteredModel")
    record RegisteredModel(String name, String description, List<ModelVersion> versions) {
    }

    /** One version of a registered model; {@code status} is MLflow's ({@code READY} once its files are stored). */
    @Schema(name = "ModelVersion")
    record ModelVersion(int version, String status, String runId, Instant createdAt) {
    }

    private final WebClient http;
    private final TrackingService tracking;

    ModelRegistry(WebClient http, TrackingService tracking) {
        this.http = http;
        this.tracking = tracking;
    }

    /** Every registered model of the team with its versions, by name. */
    Mono<List<RegisteredModel>> models(String team) {
        return server(team).flatMap(server -> get(server, team, "registered-models/search", Map.of("max_results",
                        "1000"))
                .zipWith(get(server, team, "model-versions/search", Map.of("max_results",
                        Integer.toString(MAX_VERSIONS))))
                .map(found -> {
                    Map<String, List<ModelVersion>> versions = new LinkedHashMap<>();
                    for (JsonNode version : found.getT2().path("model_versions")) {
                        versions.computeIfAbsent(version.path("name").asString(), name -> new ArrayList<>())
                                .add(versionOf(version));
                    }
                    List<RegisteredModel> models = new ArrayList<>();
                    for (JsonNode model : found.getT1().path("registered_models")) {
                        String name = model.path("name").asString();
                        List<ModelVersion> of = new ArrayList<>(versions.getOrDefault(name, List.of()));
                        of.sort(Comparator.comparingInt(ModelVersion::version).reversed());
                        String description = model.path("description").asString("");
                        models.add(new RegisteredModel(name, description.isEmpty() ? null : description, of));
                    }
                    models.sort(Comparator.comparing(RegisteredModel::name));
                    return models;
                }));
    }

    /** The version when the team's registry has it; 404 naming the field at fault when not. */
    Mono<ModelVersion> version(String team, String model, int version) {
        return server(team).flatMap(server -> get(server, team, "model-versions/get",
                        Map.of("name", model, "version", Integer.toString(version)))
                .map(found -> versionOf(found.path("model_version")))
                .onErrorResume(NotInRegistry.class, missing -> get(server, team, "registered-models/get",
                        Map.of("name", model))
                        .onErrorMap(NotInRegistry.class, noModel -> new ApiException(HttpStatus.NOT_FOUND,
                                "Model not found", "The team's registry has no model named '" + model + "'.")
                                .withField("model"))
                        .then(Mono.error(new ApiException(HttpStatus.NOT_FOUND, "Model version not found",
                                "Model '" + model + "' has no version " + version + " in the team's registry.")
                                .withField("version")))));
    }

    private Mono<TrackingServer> server(String team) {
        return tracking.enabled(team).flatMap(on -> {
            if (!on) {
                return Mono.error(new ApiException(HttpStatus.CONFLICT, "Experiment tracking is off",
                        "Team " + team + " has no model registry while experiment tracking is off. A team owner "
                                + "switches it on; registered models are kept while it is off."));
            }
            // a state of the team's registry, as tracking off is, not a fault of this service: 409, not 503
            return Mono.justOrEmpty(tracking.readyServer(team)).switchIfEmpty(Mono.error(new ApiException(
                    HttpStatus.CONFLICT, REGISTRY_STARTING,
                    "Team " + team + "'s tracking server is starting; its registry answers once it is ready.")));
        });
    }

    private Mono<JsonNode> get(TrackingServer server, String team, String endpoint, Map<String, String> query) {
        var uri = UriComponentsBuilder.newInstance().scheme("http").host(server.podIp()).port(server.port())
                .path(TrackingResources.pathPrefix(team) + "/api/2.0/mlflow/" + endpoint);
        query.forEach(uri::queryParam);
        return http.get().uri(uri.encode().build().toUri())
                .accept(MediaType.APPLICATION_JSON)
                .retrieve()
                .bodyToMono(JsonNode.class)
                .timeout(TIMEOUT)
                .onErrorMap(failure -> !(failure instanceof ApiException), failure -> {
                    if (failure instanceof WebClientResponseException response
                            && response.getStatusCode().value() == 404) {
                        return new NotInRegistry();
                    }
                    log.warn("model registry of team {}: {} failed", team, endpoint, failure);
                    return new ApiException(HttpStatus.BAD_GATEWAY, "Model registry unavailable",
                            "Team " + team + "'s tracking server did not answer about its models: "
                                    + failure.getMessage());
                });
    }

    private static ModelVersion versionOf(JsonNode version) {
        long created = version.path("creation_timestamp").asLong(0);
        String run = version.path("run_id").asString("");
        return new ModelVersion(Integer.parseInt(version.path("version").asString("0")),
                version.path("status").asString(null), run.isEmpty() ? null : run,
                created == 0 ? null : Instant.ofEpochMilli(created));
    }

    /** MLflow's 404 (RESOURCE_DOES_NOT_EXIST). */
    private static final class NotInRegistry extends RuntimeException {
        NotInRegistry() {
            super("not in the registry", null, false, false);
        }
    }
}
