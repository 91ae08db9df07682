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

/**
 * Experiment tracking on the real stack: an owner switches it on, the team's MLflow server (the real one, run by
 * the node agent's process runtime from its cached virtualenv, its store in PostgreSQL) becomes ready; a training
 * job from examples/ finds MLFLOW_TRACKING_URI, logs a run and registers a model, which the MLflow REST API returns
 * through the portal's proxy; a viewer reads but cannot write, another team's member and a caller without a token
 * are refused; switching off stops the server and keeps its data.
 */
class TrackingTest extends KueueTestSupport {

    private static final String TRACKING = "/api/v1/teams/{team}/tracking";

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
