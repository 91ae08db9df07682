package ai.portal.jobs.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import ai.portal.jobs.KueueTestSupport;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Experiment tracking on the real stack: an owner switches it on, the team's MLflow server (the real one, run by
 * the node agent's process runtime from its cached virtualenv, its store in PostgreSQL) becomes ready; a training
 * job from examples/ finds MLFLOW_TRACKING_URI, logs a run and registers a model, which the MLflow REST API returns
 * through the portal's proxy; a viewer reads but cannot write, another team's member and a caller without a token
 * are refused; switching off stops the server and keeps its data.
 */
class TrackingTest extends KueueTestSupport {

    private static final String TRACKING = "/api/v1/teams/{team}/tracking";
    private static final String MODELS = "/api/v1/teams/{team}/models";
    private static final String DEPLOYMENTS = "/api/v1/teams/{team}/model-deployments";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void aTeamsRunsAreTrackedInItsOwnMlflowReachedOnlyByItsMembers() {
        String team = teamWithQuota("trk", "alice", Map.of(), 2, false);
        addMember(team, "carol", "viewer");
        String other = createTeam("trko", "bob");

        JsonNode off = json(get("carol", TRACKING, team), HttpStatus.OK);
        assertThat(off.path("state").asString()).isEqualTo("off");
        assertThat(off.path("trackingUri").isNull()).isTrue();

        // only owners (and admins) switch it; another team's member finds no such team
        expectProblem(send("carol", HttpMethod.PUT, TRACKING, null, team), HttpStatus.FORBIDDEN, null);
        expectProblem(send("bob", HttpMethod.PUT, TRACKING, null, team), HttpStatus.NOT_FOUND, null);
        expectProblem(get("bob", TRACKING, team), HttpStatus.NOT_FOUND, null);
        assertThat(auditRows(team, "tracking.enable")).extracting(row -> row.get("outcome")).contains("denied");

        JsonNode on = json(send("alice", HttpMethod.PUT, TRACKING, null, team), HttpStatus.OK);
        assertThat(on.path("enabled").asBoolean()).isTrue();
        assertThat(on.path("state").asString()).isIn("starting", "ready");
        assertThat(on.path("trackingUri").asString())
                .isEqualTo("http://portal-mlflow.team-" + team + ".svc:5000/mlflow/" + team);
        assertThat(auditRows(team, "tracking.enable").getFirst().get("outcome")).isEqualTo("success");
        Deployment server = kubernetes().apps().deployments().inNamespace("team-" + team).withName("portal-mlflow")
                .get();
        assertThat(server.getMetadata().getLabels()).containsEntry("portal.ai/instance", instance());
        assertThat(kubernetes().persistentVolumeClaims().inNamespace("team-" + team)
                .withName("portal-mlflow-artifacts").get()).isNotNull();

        JsonNode ready = await("team " + team + "'s tracking server ready", () -> json(get("alice", TRACKING, team),
                HttpStatus.OK), status -> "ready".equals(status.path("state").asString())
                || "failed".equals(status.path("state").asString()), Duration.ofSeconds(300));
        assertThat(ready.path("state").asString()).as(ready.toString()).isEqualTo("ready");

        // a job of the team gets the tracking URI and logs to it
        submit("alice", team, Map.of("name", "train", "image", "scipy", "cpu", "1", "memory", "2Gi",
                "maxRuntimeSeconds", 600, "command", List.of("python", "/opt/examples/train_mlflow.py",
                        "--experiment", "it", "--model", "it-model", "--epochs", "3")));
        Job job = kubernetes().batch().v1().jobs().inNamespace("team-" + team).withName("train").get();
        assertThat(job.getSpec().getTemplate().getSpec().getContainers().getFirst().getEnv())
                .anySatisfy(env -> {
                    assertThat(env.getName()).isEqualTo("MLFLOW_TRACKING_URI");
                    assertThat(env.getValue()).isEqualTo(on.path("trackingUri").asString());
                });
        JsonNode done = await(team + "/train finished", () -> workload(team, "train"), detail -> List.of("Succeeded",
                "Failed").contains(detail.path("workload").path("status").path("phase").asString()),
                Duration.ofSeconds(300));
        assertThat(done.path("workload").path("status").path("phase").asString()).as(done.toString())
                .isEqualTo("Succeeded");

        // the run and the model, through the proxy with a member's token
        String api = "/mlflow/{team}/api/2.0/mlflow";
        JsonNode experiment = mlflow("alice", HttpMethod.GET, api + "/experiments/get-by-name?experiment_name=it",
                null, team, HttpStatus.OK);
        String experimentId = experiment.path("experiment").path("experiment_id").asString();
        JsonNode runs = mlflow("carol", HttpMethod.POST, api + "/runs/search",
                Map.of("experiment_ids", List.of(experimentId)), team, HttpStatus.OK);
        assertThat(runs.path("runs")).hasSize(1);
        JsonNode run = runs.path("runs").get(0);
        assertThat(run.path("data").path("params").findValuesAsString("key")).contains("epochs", "samples");
        assertThat(run.path("data").path("metrics").findValuesAsString("key")).contains("val_accuracy");
        JsonNode model = mlflow("carol", HttpMethod.GET, api + "/registered-models/get?name=it-model", null, team,
                HttpStatus.OK);
        assertThat(model.path("registered_model").path("latest_versions")).isNotEmpty();

        // a viewer reads but changes nothing; another team and no token get nothing
        mlflow("carol", HttpMethod.POST, api + "/experiments/create", Map.of("name", "by-a-viewer"), team,
                HttpStatus.FORBIDDEN);
        mlflow("bob", HttpMethod.GET, api + "/experiments/get-by-name?experiment_name=it", null, team,
                HttpStatus.FORBIDDEN);
        mlflow("bob", HttpMethod.POST, api + "/runs/search", Map.of("experiment_ids", List.of(experimentId)), team,
                HttpStatus.FORBIDDEN);
        client.get().uri(api + "/experiments/get-by-name?experiment_name=it", team)
                .accept(MediaType.APPLICATION_JSON).exchange().expectStatus().isUnauthorized();
        // bob's own team has no tracking on: its path answers "not running", never another team's server
        mlflow("bob", HttpMethod.GET, api + "/experiments/get-by-name?experiment_name=it", null, other,
                HttpStatus.SERVICE_UNAVAILABLE);
        // a member writes
        mlflow("alice", HttpMethod.POST, api + "/experiments/create", Map.of("name", "by-the-owner"), team,
                HttpStatus.OK);

        // the registered model, deployed as an inference service behind the gateway (shares this team, its
        // tracking server and the model its training job registered)
        String probe = null;
        for (JsonNode tag : run.path("data").path("tags")) {
            if ("probe".equals(tag.path("key").asString())) {
                probe = tag.path("value").asString();
            }
        }
        assertThat(probe).as("the training job's in-process predictions (tag 'probe')").isNotNull();
        aRegisteredModelServesTheTeamThroughTheGatewayAndLeavesNothingWhenDeleted(team, other, "it-model",
                JSON.readTree(probe));

        // off: the server stops, its data stays
        JsonNode stopped = json(send("alice", HttpMethod.DELETE, TRACKING, null, team), HttpStatus.OK);
        assertThat(stopped.path("enabled").asBoolean()).isFalse();
        awaitTrue("the tracking server's Deployment gone", () -> kubernetes().apps().deployments()
                .inNamespace("team-" + team).withName("portal-mlflow").get() == null);
        assertThat(kubernetes().persistentVolumeClaims().inNamespace("team-" + team)
                .withName("portal-mlflow-artifacts").get()).as("artifacts kept").isNotNull();
        assertThat(db.sql("select count(*) as n from pg_namespace where nspname = :schema")
                .bind("schema", TrackingResources.storeRole(team)).map(row -> row.get("n", Long.class)).one()
                .block()).as("the store's schema kept").isEqualTo(1L);
        assertThat(auditRows(team, "tracking.disable").getFirst().get("outcome")).isEqualTo("success");
        awaitTrue("status off", () -> "off".equals(json(get("alice", TRACKING, team), HttpStatus.OK).path("state")
                .asString()));
    }

    /**
     * Model serving on the same team, tracking server and registered model: the registry lists it; bad input and
     * other teams are refused with nothing created; 2 replicas become Ready and {@code POST …/invocations} through the
     * gateway answers the predictions the training job computed in-process; viewers may call it, another team's
     * member and a caller without a token may not; deleting leaves no Deployment, Service or budget.
     */
    private void aRegisteredModelServesTheTeamThroughTheGatewayAndLeavesNothingWhenDeleted(String team, String other,
                                                                                         String model, JsonNode probe) {
        String namespace = "team-" + team;
        JsonNode models = json(get("carol", MODELS, team), HttpStatus.OK);
        assertThat(models.findValuesAsString("name")).contains(model);
        JsonNode registered = java.util.stream.StreamSupport.stream(models.spliterator(), false)
                .filter(found -> model.equals(found.path("name").asString())).findFirst().orElseThrow();
        assertThat(registered.path("versions").get(0).path("version").asInt()).isEqualTo(1);
        expectProblem(get("bob", MODELS, team), HttpStatus.NOT_FOUND, null);
        expectProblem(get("bob", MODELS, other), HttpStatus.CONFLICT, null);

        // refusals: nothing created, each audited
        Map<String, Object> deploy = Map.of("name", "it", "model", model, "version", "1", "replicas", 2,
                "cpu", "100m", "memory", "512Mi");
        expectProblem(send("alice", HttpMethod.POST, DEPLOYMENTS, with(deploy, "version", "99"), team),
                HttpStatus.NOT_FOUND, "version");
        expectProblem(send("alice", HttpMethod.POST, DEPLOYMENTS, with(deploy, "model", "no-such-model"), team),
                HttpStatus.NOT_FOUND, "model");
        expectProblem(send("alice", HttpMethod.POST, DEPLOYMENTS, with(deploy, "name", "Not_A_Label"), team),
                HttpStatus.BAD_REQUEST, "name");
        expectProblem(send("alice", HttpMethod.POST, DEPLOYMENTS, with(deploy, "replicas", 50), team),
                HttpStatus.BAD_REQUEST, "replicas");
        expectProblem(send("carol", HttpMethod.POST, DEPLOYMENTS, deploy, team), HttpStatus.FORBIDDEN, null);
        expectProblem(send("bob", HttpMethod.POST, DEPLOYMENTS, deploy, team), HttpStatus.NOT_FOUND, null);
        assertThat(kubernetes().apps().deployments().inNamespace(namespace)
                .withLabel("portal.ai/component", "model-server").list().getItems()).isEmpty();
        assertThat(json(get("alice", DEPLOYMENTS, team), HttpStatus.OK)).isEmpty();
        assertThat(auditRows(team, "model.deploy")).extracting(row -> row.get("outcome"))
                .contains("rejected", "denied");

        JsonNode created = json(send("alice", HttpMethod.POST, DEPLOYMENTS, deploy, team), HttpStatus.CREATED);
        assertThat(created.path("invocationsPath").asString()).isEqualTo("/models/" + team + "/it/invocations");
        assertThat(auditRows(team, "model.deploy").getFirst().get("outcome")).isEqualTo("success");
        assertThat(kubernetes().apps().deployments().inNamespace(namespace).withName("portal-model-it").get()
                .getMetadata().getLabels()).containsEntry("portal.ai/instance", instance());
        assertThat(kubernetes().services().inNamespace(namespace).withName("portal-model-it").get()).isNotNull();
        assertThat(kubernetes().policy().v1().podDisruptionBudget().inNamespace(namespace)
                .withName("portal-model-it").get()).isNotNull();
        expectProblem(send("alice", HttpMethod.POST, DEPLOYMENTS, deploy, team), HttpStatus.CONFLICT, "name");

        JsonNode serving = await("both replicas of " + team + "/it Ready", () -> json(get("carol",
                DEPLOYMENTS + "/it", team), HttpStatus.OK), found -> found.path("status").path("readyReplicas")
                .asInt() == 2 || "failing".equals(found.path("status").path("state").asString()),
                Duration.ofSeconds(300));
        assertThat(serving.path("status").path("state").asString()).as(serving.toString()).isEqualTo("serving");
        assertThat(serving.path("status").path("servingVersion").asInt()).isEqualTo(1);
        assertThat(serving.path("status").path("message").asString()).contains("Serving version 1");

        // drift: a Service deleted by hand comes back as the row wants it (the serving reconciler)
        String deletedByHand = kubernetes().services().inNamespace(namespace).withName("portal-model-it").get()
                .getMetadata().getUid();
        kubernetes().services().inNamespace(namespace).withName("portal-model-it").delete();
        awaitTrue("the model's Service re-applied", () -> {
            var service = kubernetes().services().inNamespace(namespace).withName("portal-model-it").get();
            return service != null && !deletedByHand.equals(service.getMetadata().getUid());
        });

        // the predictions the trained model gave in-process, from the deployed model through the gateway
        String invocations = "/models/{team}/it/invocations";
        Map<String, Object> payload = Map.of("inputs", probe.path("inputs"));
        for (String member : List.of("alice", "carol")) {
            JsonNode answer = client.post().uri(invocations, team).headers(h -> h.setBearerAuth(token(member)))
                    .contentType(MediaType.APPLICATION_JSON).accept(MediaType.APPLICATION_JSON).bodyValue(payload)
                    .exchange().expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();
            assertThat(answer.path("predictions")).as(member).isEqualTo(probe.path("predictions"));
        }
        client.post().uri(invocations, team).headers(h -> h.setBearerAuth(token("bob")))
                .contentType(MediaType.APPLICATION_JSON).accept(MediaType.APPLICATION_JSON).bodyValue(payload)
                .exchange().expectStatus().isForbidden();
        client.post().uri(invocations, team).contentType(MediaType.APPLICATION_JSON)
                .accept(MediaType.APPLICATION_JSON).bodyValue(payload).exchange().expectStatus().isUnauthorized();
        client.post().uri("/models/{team}/no-such/invocations", team).headers(h -> h.setBearerAuth(token("alice")))
                .contentType(MediaType.APPLICATION_JSON).accept(MediaType.APPLICATION_JSON).bodyValue(payload)
                .exchange().expectStatus().isNotFound();

        // delete: nothing left behind
        expectProblem(send("carol", HttpMethod.DELETE, DEPLOYMENTS + "/it", null, team), HttpStatus.FORBIDDEN, null);
        send("alice", HttpMethod.DELETE, DEPLOYMENTS + "/it", null, team).expectStatus().isNoContent();
        assertThat(auditRows(team, "model.undeploy").getFirst().get("outcome")).isEqualTo("success");
        awaitTrue("the model's Deployment, Service, budget and pods gone", () ->
                kubernetes().apps().deployments().inNamespace(namespace).withName("portal-model-it").get() == null
                        && kubernetes().services().inNamespace(namespace).withName("portal-model-it").get() == null
                        && kubernetes().policy().v1().podDisruptionBudget().inNamespace(namespace)
                        .withName("portal-model-it").get() == null
                        && kubernetes().pods().inNamespace(namespace).withLabel("portal.ai/model-deployment", "it")
                        .list().getItems().isEmpty());
        expectProblem(get("alice", DEPLOYMENTS + "/it", team), HttpStatus.NOT_FOUND, null);
        client.post().uri(invocations, team).headers(h -> h.setBearerAuth(token("alice")))
                .contentType(MediaType.APPLICATION_JSON).accept(MediaType.APPLICATION_JSON).bodyValue(payload)
                .exchange().expectStatus().isNotFound();
    }

    private static Map<String, Object> with(Map<String, Object> body, String key, Object value) {
        Map<String, Object> changed = new java.util.LinkedHashMap<>(body);
        changed.put(key, value);
        return changed;
    }

    private JsonNode mlflow(String user, HttpMethod method, String uri, Object body, String team,
                            HttpStatus expected) {
        var request = client.method(method).uri(uri, team).headers(h -> h.setBearerAuth(token(user)))
                .accept(MediaType.APPLICATION_JSON);
        var response = body == null ? request.exchange() : request.contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body).exchange();
        return response.expectStatus().isEqualTo(expected).expectBody(JsonNode.class).returnResult()
                .getResponseBody();
    }
}
