package ai.portal.jobs.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import ai.portal.jobs.KueueTestSupport;
import ai.portal.jobs.serving.ServingResources;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
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
    private static final String A100 = "NVIDIA-A100-SXM4-80GB";

    @Autowired
    private MeterRegistry meters;

    @Test
    void aTeamsRunsAreTrackedInItsOwnMlflowReachedOnlyByItsMembers() {
        // two A100s: enough for the GPU model deployment's two replicas, not three
        String team = teamWithQuota("trk", "alice", Map.of(A100, 2), 2, false);
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

        // refusals: nothing created, each audited. The deployment autoscales between 2 and 3 replicas on the
        // gateway's requests per second (1 per replica), with a short scale-down window for the test
        Map<String, Object> fixed = Map.of("name", "it", "model", model, "version", "1", "replicas", 2,
                "cpu", "100m", "memory", "512Mi");
        Map<String, Object> autoscaling = Map.of("minReplicas", 2, "maxReplicas", 3, "requestsPerSecond", 1,
                "scaleDownStabilizationSeconds", 15);
        Map<String, Object> deploy = with(without(fixed, "replicas"), "autoscaling", autoscaling);
        expectProblem(send("alice", HttpMethod.POST, DEPLOYMENTS, with(deploy, "version", "99"), team),
                HttpStatus.NOT_FOUND, "version");
        expectProblem(send("alice", HttpMethod.POST, DEPLOYMENTS, with(deploy, "model", "no-such-model"), team),
                HttpStatus.NOT_FOUND, "model");
        expectProblem(send("alice", HttpMethod.POST, DEPLOYMENTS, with(deploy, "name", "Not_A_Label"), team),
                HttpStatus.BAD_REQUEST, "name");
        expectProblem(send("alice", HttpMethod.POST, DEPLOYMENTS, with(fixed, "replicas", 50), team),
                HttpStatus.BAD_REQUEST, "replicas");
        expectProblem(send("alice", HttpMethod.POST, DEPLOYMENTS, with(deploy, "replicas", 2), team),
                HttpStatus.BAD_REQUEST, "replicas");
        expectProblem(send("alice", HttpMethod.POST, DEPLOYMENTS, with(deploy, "autoscaling",
                with(autoscaling, "maxReplicas", 1)), team), HttpStatus.BAD_REQUEST, "autoscaling.maxReplicas");
        expectProblem(send("alice", HttpMethod.POST, DEPLOYMENTS, with(deploy, "autoscaling",
                with(autoscaling, "maxReplicas", 11)), team), HttpStatus.BAD_REQUEST, "autoscaling.maxReplicas");
        expectProblem(send("alice", HttpMethod.POST, DEPLOYMENTS, with(deploy, "autoscaling",
                        Map.of("maxReplicas", 3, "gpuUtilization", 60)), team), HttpStatus.BAD_REQUEST,
                "autoscaling.gpuUtilization");
        // ten replicas of 8 CPU never fit in the team's 64
        JsonNode beyondQuota = expectProblem(send("alice", HttpMethod.POST, DEPLOYMENTS, with(with(deploy, "cpu", "8"),
                "autoscaling", Map.of("maxReplicas", 10, "cpuUtilization", 70)), team),
                HttpStatus.UNPROCESSABLE_CONTENT, "autoscaling.maxReplicas");
        assertThat(beyondQuota.path("detail").asString()).contains("requests.cpu");
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
        var hpa = kubernetes().autoscaling().v2().horizontalPodAutoscalers().inNamespace(namespace)
                .withName("portal-model-it").get();
        assertThat(hpa.getMetadata().getLabels()).containsEntry("portal.ai/instance", instance());
        assertThat(hpa.getSpec().getMetrics().getFirst().getObject().getMetric().getName())
                .isEqualTo("portal_model_requests_per_second");
        assertThat(created.path("autoscaling").path("maxReplicas").asInt()).isEqualTo(3);
        expectProblem(send("alice", HttpMethod.POST, DEPLOYMENTS, deploy, team), HttpStatus.CONFLICT, "name");

        // no request has reached the model yet: Prometheus has no series for it, and the view says so
        JsonNode blind = await("the HPA controller to report the requests metric unavailable", () -> json(get("carol",
                DEPLOYMENTS + "/it", team), HttpStatus.OK), found -> found.path("autoscalingStatus")
                .path("conditions").toString().contains("metric unavailable: requests per second"),
                Duration.ofSeconds(120));
        assertThat(blind.path("autoscalingStatus").path("message").asString()).contains("Metric unavailable");

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

        machineClientsCallWithKeysWithinTheRateLimit(team, other, payload, probe.path("predictions"));
        aNewVersionRollsOutAndTheRollbackRestoresTheOld(team, model, payload, probe.path("predictions"));
        theHpaControllerScalesOutUnderLoadAndBackWhenItStops(team, payload);
        aModelServerIsRightSizedAndResizedByARollingUpdate(team);

        // delete: nothing left behind
        expectProblem(send("carol", HttpMethod.DELETE, DEPLOYMENTS + "/it", null, team), HttpStatus.FORBIDDEN, null);
        send("alice", HttpMethod.DELETE, DEPLOYMENTS + "/it", null, team).expectStatus().isNoContent();
        assertThat(auditRows(team, "model.undeploy").getFirst().get("outcome")).isEqualTo("success");
        awaitTrue("the model's Deployment, Service, budget, autoscaler, right-sizer and pods gone", () ->
                kubernetes().apps().deployments().inNamespace(namespace).withName("portal-model-it").get() == null
                        && kubernetes().services().inNamespace(namespace).withName("portal-model-it").get() == null
                        && kubernetes().policy().v1().podDisruptionBudget().inNamespace(namespace)
                        .withName("portal-model-it").get() == null
                        && kubernetes().autoscaling().v2().horizontalPodAutoscalers().inNamespace(namespace)
                        .withName("portal-model-it").get() == null
                        && kubernetes().genericKubernetesResources(ai.portal.jobs.cluster.ClusterState.RIGHT_SIZERS)
                        .inNamespace(namespace).withName("portal-model-it").get() == null
                        && kubernetes().pods().inNamespace(namespace).withLabel("portal.ai/model-deployment", "it")
                        .list().getItems().isEmpty());
        expectProblem(get("alice", DEPLOYMENTS + "/it", team), HttpStatus.NOT_FOUND, null);
        assertThat(db.sql("select count(*) as n from model_api_key where team_slug = :team").bind("team", team)
                .map(row -> row.get("n", Long.class)).one().block()).as("the deployment's keys deleted with it")
                .isZero();
        client.post().uri(invocations, team).headers(h -> h.setBearerAuth(token("alice")))
                .contentType(MediaType.APPLICATION_JSON).accept(MediaType.APPLICATION_JSON).bodyValue(payload)
                .exchange().expectStatus().isNotFound();

        // usage: the model servers' pods were billed to the team like its job's, and stay after the deletion
        awaitTrue("the model servers' intervals closed", () -> db.sql("""
                        select count(*) filter (where ended_at is null) as open, count(*) as all
                          from running_interval where team_slug = :team and model_deployment = 'it'""")
                .bind("team", team).map(row -> row.get("open", Long.class) == 0 && row.get("all", Long.class) >= 2)
                .one().block());
        JsonNode usage = json(get("carol", "/api/v1/usage?groupBy=user&team={team}", team), HttpStatus.OK);
        assertThat(usage).as(usage.toString()).hasSize(1);
        assertThat(usage.get(0).path("key").asString()).isEqualTo("alice");
        long workloads = db.sql("select count(distinct workload_id) as n from running_interval where team_slug = :team")
                .bind("team", team).map(row -> row.get("n", Long.class)).one().block();
        assertThat(usage.get(0).path("workloads").asLong()).as("the jobs and the model deployment")
                .isEqualTo(workloads + 1);

        aGpuDeploymentRunsOnItsGpuNodesAndScalesOutWhenItsGpusAreBusy(team, model);
    }

    /**
     * The same registered model served on GPUs: refusals first (a type the cluster lacks, a type without a count
     * and the reverse, a type the team has no quota of, more replicas' GPUs than the team's two A100s), nothing
     * created. Then one A100 per replica, autoscaled 1..2 on GPU utilisation: the replica lands on an A100 node
     * holding its GPU; its DCGM series reaches the HPA controller's API (Prometheus → adapter →
     * custom.metrics.k8s.io, read here through the API server as the controller reads it); with the simulated GPUs
     * idle the HPA holds at one replica and the per-type quota counts it (a second deployment of two A100s is refused,
     * one left); when the test makes the GPU busy (the node agent's pod annotation: product code never knows its nodes
     * are simulated), the real HPA controller scales out to 2 and the deployment's view says why. Deleting leaves
     * nothing.
     */
    private void aGpuDeploymentRunsOnItsGpuNodesAndScalesOutWhenItsGpusAreBusy(String team, String model) {
        String namespace = "team-" + team;
        Map<String, Object> autoscaling = Map.of("minReplicas", 1, "maxReplicas", 2, "gpuUtilization", 40,
                "scaleDownStabilizationSeconds", 15);
        Map<String, Object> deploy = Map.of("name", "gpu", "model", model, "version", "1", "cpu", "100m",
                "memory", "512Mi", "gpuType", A100, "gpus", 1, "autoscaling", autoscaling);
        expectProblem(send("alice", HttpMethod.POST, DEPLOYMENTS, with(deploy, "gpuType", "NVIDIA-NO-SUCH-GPU"), team),
                HttpStatus.BAD_REQUEST, "gpuType");
        expectProblem(send("alice", HttpMethod.POST, DEPLOYMENTS, without(deploy, "gpus"), team),
                HttpStatus.BAD_REQUEST, "gpuType");
        expectProblem(send("alice", HttpMethod.POST, DEPLOYMENTS, without(deploy, "gpuType"), team),
                HttpStatus.BAD_REQUEST, "gpuType");
        expectProblem(send("alice", HttpMethod.POST, DEPLOYMENTS, with(deploy, "gpus", 99), team),
                HttpStatus.BAD_REQUEST, "gpus");
        // the cluster has T4 nodes, the team no T4 quota
        JsonNode noT4 = expectProblem(send("alice", HttpMethod.POST, DEPLOYMENTS, with(without(deploy, "autoscaling"),
                "gpuType", "Tesla-T4"), team), HttpStatus.CONFLICT, "gpus");
        assertThat(noT4.path("detail").asString()).contains("GPUs Tesla-T4: needs 1, 0 left of the team's 0");
        // three replicas of one A100 never fit in the team's two
        JsonNode beyond = expectProblem(send("alice", HttpMethod.POST, DEPLOYMENTS, with(deploy, "autoscaling",
                with(autoscaling, "maxReplicas", 3)), team), HttpStatus.UNPROCESSABLE_CONTENT,
                "autoscaling.maxReplicas");
        assertThat(beyond.path("detail").asString()).contains("GPUs " + A100 + ": needs 3, 2 in the team's 2");
        expectProblem(send("bob", HttpMethod.POST, DEPLOYMENTS, deploy, team), HttpStatus.NOT_FOUND, null);
        assertThat(kubernetes().apps().deployments().inNamespace(namespace).withName("portal-model-gpu").get())
                .as("nothing created by a refusal").isNull();

        JsonNode created = json(send("alice", HttpMethod.POST, DEPLOYMENTS, deploy, team), HttpStatus.CREATED);
        assertThat(created.path("gpuType").asString()).isEqualTo(A100);
        assertThat(created.path("gpus").asInt()).isEqualTo(1);
        assertThat(auditRows(team, "model.deploy").getFirst().get("outcome")).isEqualTo("success");
        assertThat(created.path("autoscaling").path("gpuUtilization").asInt()).isEqualTo(40);
        var hpa = kubernetes().autoscaling().v2().horizontalPodAutoscalers().inNamespace(namespace)
                .withName("portal-model-gpu").get();
        assertThat(hpa.getSpec().getMetrics()).singleElement().satisfies(metric -> {
            assertThat(metric.getType()).isEqualTo("Pods");
            assertThat(metric.getPods().getMetric().getName()).isEqualTo("gpu_utilization_percent");
        });

        JsonNode serving = await("a GPU replica of " + team + "/gpu Ready", () -> json(get("carol",
                DEPLOYMENTS + "/gpu", team), HttpStatus.OK), found -> found.path("status").path("readyReplicas")
                .asInt() >= 1 || "failing".equals(found.path("status").path("state").asString()),
                Duration.ofSeconds(300));
        assertThat(serving.path("status").path("state").asString()).as(serving.toString()).isEqualTo("serving");
        var pods = kubernetes().pods().inNamespace(namespace).withLabel("portal.ai/model-deployment", "gpu");
        assertThat(pods.list().getItems()).isNotEmpty().allSatisfy(replica -> {
            assertThat(replica.getSpec().getContainers().getFirst().getResources().getLimits())
                    .containsEntry("nvidia.com/gpu", new io.fabric8.kubernetes.api.model.Quantity("1"));
            assertThat(kubernetes().nodes().withName(replica.getSpec().getNodeName()).get().getMetadata()
                    .getLabels()).as("an A100 node").containsEntry("nvidia.com/gpu.product", A100);
        });

        // the path the HPA controller reads: DCGM series of the pod's GPU → Prometheus → adapter → pods metric
        String podsMetric = "/apis/custom.metrics.k8s.io/v1beta1/namespaces/" + namespace
                + "/pods/*/gpu_utilization_percent";
        awaitTrue("the replicas' GPU utilisation in custom.metrics.k8s.io", () -> {
            try {
                String answer = kubernetes().raw(podsMetric);
                return answer != null && answer.contains("\"portal-model-gpu-");
            } catch (RuntimeException notYet) {
                return false;
            }
        });

        // the test, not the product, sets the simulated GPUs' load. The node agent takes an unannotated model
        // server's GPU load from its process's CPU, so loading the model may already have scaled it out: idle
        // first (on every replica there is, again at each look), until the HPA holds at one replica below target
        JsonNode calm = await("the HPA controller back at one replica on idle GPUs", () -> {
                    simulatedGpuLoad(namespace, "idle");
                    return json(get("carol", DEPLOYMENTS + "/gpu", team), HttpStatus.OK);
                }, found -> !found.path("autoscalingStatus").path("metrics").path(0).path("current").isNull()
                        && found.path("autoscalingStatus").path("metrics").path(0).path("current").asDouble() < 40
                        && found.path("autoscalingStatus").path("desiredReplicas").asInt() == 1
                        && pods.list().getItems().size() == 1,
                Duration.ofMinutes(4));
        assertThat(calm.path("autoscalingStatus").path("desiredReplicas").asInt()).as(calm.toString()).isEqualTo(1);

        // the per-type quota counts the running replica: a second deployment of two A100s does not fit beside it
        JsonNode full = expectProblem(send("alice", HttpMethod.POST, DEPLOYMENTS, with(with(without(deploy,
                "autoscaling"), "name", "gpu2"), "gpus", 2), team), HttpStatus.CONFLICT, "gpus");
        assertThat(full.path("detail").asString()).contains("needs 2, 1 left of the team's 2");

        simulatedGpuLoad(namespace, "busy");
        JsonNode scaled = await("the HPA controller to scale " + team + "/gpu out to 2 on GPU utilisation", () ->
                        json(get("carol", DEPLOYMENTS + "/gpu", team), HttpStatus.OK),
                found -> found.path("autoscalingStatus").path("desiredReplicas").asInt() == 2,
                Duration.ofMinutes(4));
        JsonNode status = scaled.path("autoscalingStatus");
        assertThat(status.path("desiredReplicas").asInt()).as(scaled.toString()).isEqualTo(2);
        assertThat(status.path("metrics").path(0).path("metric").asString()).isEqualTo("gpuUtilization");
        assertThat(status.path("metrics").path(0).path("current").asDouble()).as(status.toString())
                .isGreaterThan(40.0);
        assertThat(status.path("message").asString()).contains("GPU utilisation");
        awaitTrue("the second GPU replica on an A100 node", () -> pods.list().getItems().stream()
                .filter(found -> found.getSpec().getNodeName() != null).count() == 2
                && pods.list().getItems().stream().allMatch(found -> A100.equals(kubernetes().nodes()
                .withName(found.getSpec().getNodeName()).get().getMetadata().getLabels()
                .get("nvidia.com/gpu.product"))));
        JsonNode atMax = await("the view to say the GPUs ask for more than 2", () -> json(get("carol",
                        DEPLOYMENTS + "/gpu", team), HttpStatus.OK),
                found -> found.path("autoscalingStatus").path("conditions").toString().contains("at-max-replicas"),
                Duration.ofMinutes(2));
        assertThat(atMax.path("autoscalingStatus").path("message").asString()).as(atMax.toString())
                .contains("GPU utilisation").contains("At max replicas (2): the load asks for more");

        // a new policy on PATCH keeps its GPU target: the deployment's replicas hold GPUs
        JsonNode changed = json(send("alice", HttpMethod.PATCH, DEPLOYMENTS + "/gpu", Map.of("autoscaling",
                with(autoscaling, "gpuUtilization", 90)), team), HttpStatus.OK);
        assertThat(changed.path("autoscaling").path("gpuUtilization").asInt()).isEqualTo(90);
        assertThat(changed.path("gpus").asInt()).isEqualTo(1);

        // its GPUs changed on PATCH: within the quota of the type, never leaving a GPU target without GPUs
        expectProblem(send("alice", HttpMethod.PATCH, DEPLOYMENTS + "/gpu", Map.of("gpus", 0), team),
                HttpStatus.BAD_REQUEST, "gpus");
        expectProblem(send("alice", HttpMethod.PATCH, DEPLOYMENTS + "/gpu", Map.of("gpus", 99), team),
                HttpStatus.BAD_REQUEST, "gpus");
        JsonNode noT4Quota = expectProblem(send("alice", HttpMethod.PATCH, DEPLOYMENTS + "/gpu",
                Map.of("gpuType", "Tesla-T4"), team), HttpStatus.CONFLICT, "gpus");
        assertThat(noT4Quota.path("detail").asString()).contains("Tesla-T4");
        assertThat(json(get("carol", DEPLOYMENTS + "/gpu", team), HttpStatus.OK).path("gpuType").asString())
                .as("a refused change changes nothing").isEqualTo(A100);
        JsonNode onCpu = json(send("alice", HttpMethod.PATCH, DEPLOYMENTS + "/gpu", Map.of("gpus", 0,
                "autoscaling", Map.of("minReplicas", 1, "maxReplicas", 2, "cpuUtilization", 80)), team),
                HttpStatus.OK);
        assertThat(onCpu.path("gpus").asInt()).isZero();
        assertThat(onCpu.path("gpuType").isNull()).as(onCpu.toString()).isTrue();
        var template = kubernetes().apps().deployments().inNamespace(namespace).withName("portal-model-gpu").get()
                .getSpec().getTemplate().getSpec();
        assertThat(template.getContainers().getFirst().getResources().getLimits()).doesNotContainKey("nvidia.com/gpu");
        assertThat(template.getNodeSelector() == null ? Map.of() : template.getNodeSelector())
                .doesNotContainKey("nvidia.com/gpu.product");
        assertThat(auditRows(team, "model.update").getFirst().get("detail").toString())
                .contains("size 100m CPU, 512Mi memory and 1 " + A100 + " GPU(s) -> 100m CPU and 512Mi memory");

        send("alice", HttpMethod.DELETE, DEPLOYMENTS + "/gpu", null, team).expectStatus().isNoContent();
        awaitTrue("the GPU deployment's objects and pods gone", () ->
                kubernetes().apps().deployments().inNamespace(namespace).withName("portal-model-gpu").get() == null
                        && kubernetes().autoscaling().v2().horizontalPodAutoscalers().inNamespace(namespace)
                        .withName("portal-model-gpu").get() == null
                        && pods.list().getItems().isEmpty());

        // an autoscaler left behind without its Deployment or row (a reconciler pass once re-created one while a
        // delete was under way) has no pod to be found by: the reconciler's sweep finds it by itself and deletes it
        var autoscalers = kubernetes().autoscaling().v2().horizontalPodAutoscalers().inNamespace(namespace);
        autoscalers.resource(new HorizontalPodAutoscalerBuilder()
                .withNewMetadata().withName("portal-model-leftover")
                .withLabels(ServingResources.labels(team, instance(), "leftover")).endMetadata()
                .withNewSpec().withMinReplicas(1).withMaxReplicas(2)
                .withNewScaleTargetRef().withApiVersion("apps/v1").withKind("Deployment")
                .withName("portal-model-leftover").endScaleTargetRef().endSpec()
                .build()).create();
        awaitTrue("the left-behind autoscaler deleted",
                () -> autoscalers.withName("portal-model-leftover").get() == null);
    }

    /**
     * API keys on the same deployment: created by a member (shown once), listed by a viewer without the key; a key
     * calls its deployment and nothing else (403 on another deployment's or team's path), a revoked or unknown key
     * is a 401 problem; over the deployment's rate limit a caller gets 429 with Retry-After; the requests are
     * counted per deployment and outcome for Prometheus.
     */
    private void machineClientsCallWithKeysWithinTheRateLimit(String team, String other, Map<String, Object> payload,
                                                              JsonNode predictions) {
        String keys = DEPLOYMENTS + "/it/keys";
        JsonNode created = json(send("alice", HttpMethod.POST, keys, Map.of("name", "nightly"), team),
                HttpStatus.CREATED);
        String key = created.path("key").asString();
        assertThat(key).startsWith("pmk_").startsWith(created.path("prefix").asString());
        expectProblem(send("alice", HttpMethod.POST, keys, Map.of("name", " "), team), HttpStatus.BAD_REQUEST,
                "name");
        JsonNode listed = json(get("carol", keys, team), HttpStatus.OK);
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).path("key").isNull()).as("never shown again").isTrue();
        assertThat(listed.get(0).path("createdBy").asString()).isEqualTo("alice");
        assertThat(db.sql("select count(*) as n from model_api_key where prefix = :prefix and key_hash = :hash")
                .bind("prefix", created.path("prefix").asString())
                .bind("hash", sha256(key)).map(row -> row.get("n", Long.class)).one().block())
                .as("stored as its SHA-256").isEqualTo(1L);
        assertThat(auditRows(team, "model.key.create")).extracting(row -> row.get("outcome"))
                .containsExactly("rejected", "success");
        assertThat(String.valueOf(auditRows(team, "model.key.create").getLast().get("after"))).doesNotContain(key)
                .contains(created.path("prefix").asString());

        assertThat(invoke(key, team, "it", payload).expectStatus().isOk().expectBody(JsonNode.class).returnResult()
                .getResponseBody().path("predictions")).isEqualTo(predictions);
        JsonNode used = json(get("alice", keys, team), HttpStatus.OK).get(0);
        assertThat(used.path("lastUsedAt").isNull()).as("last use recorded").isFalse();
        // its own deployment only
        expectProblem(invoke(key, team, "not-its-deployment", payload), HttpStatus.FORBIDDEN, null);
        expectProblem(invoke(key, other, "it", payload), HttpStatus.FORBIDDEN, null);
        // an unknown key and a malformed one
        JsonNode unknown = expectProblem(invoke("pmk_" + "A".repeat(43), team, "it", payload),
                HttpStatus.UNAUTHORIZED, null);
        assertThat(unknown.path("detail").asString()).contains("not valid");
        invoke("pmk_short", team, "it", payload).expectStatus().isUnauthorized()
                .expectHeader().valueMatches("WWW-Authenticate", "Bearer error=\"invalid_token\".*");

        // over the rate limit: 429 with Retry-After; other callers keep their own budget
        JsonNode limited = json(send("alice", HttpMethod.PATCH, DEPLOYMENTS + "/it", Map.of("rateLimit", 1), team),
                HttpStatus.OK);
        assertThat(limited.path("rateLimit").asInt()).isEqualTo(1);
        assertThat(limited.path("version").asInt()).as("a rate limit alone rolls nothing out").isEqualTo(1);
        List<Integer> statuses = reactor.core.publisher.Flux.range(0, 8)
                .flatMap(i -> reactor.core.publisher.Mono.fromCallable(() -> invoke(key, team, "it", payload)
                        .returnResult(String.class))
                        .subscribeOn(reactor.core.scheduler.Schedulers.boundedElastic()), 8)
                .map(result -> {
                    if (result.getStatus().value() == 429) {
                        assertThat(Integer.parseInt(result.getResponseHeaders().getFirst("Retry-After")))
                                .isBetween(1, 2);
                        assertThat(result.getResponseHeaders().getContentType())
                                .isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
                    }
                    return result.getStatus().value();
                })
                .collectList().block(Duration.ofSeconds(120));
        assertThat(statuses).as("8 requests at once with a limit of 1/s").contains(200, 429)
                .filteredOn(status -> status == 200).hasSizeLessThanOrEqualTo(3);
        expectProblem(send("alice", HttpMethod.PATCH, DEPLOYMENTS + "/it", Map.of("rateLimit", 0), team),
                HttpStatus.BAD_REQUEST, "rateLimit");
        json(send("alice", HttpMethod.PATCH, DEPLOYMENTS + "/it", Map.of("rateLimit", 100), team), HttpStatus.OK);

        // counted per deployment and outcome (what /actuator/prometheus exports)
        assertThat(meters.find("portal.model.requests").tags("team", team, "deployment", "it", "outcome", "success")
                .timer()).isNotNull().satisfies(timer -> assertThat(timer.count()).isGreaterThanOrEqualTo(3));
        assertThat(meters.find("portal.model.requests").tags("team", team, "deployment", "it", "outcome",
                "rate_limited").timer()).isNotNull();
        assertThat(meters.find("portal.model.requests").tags("deployment", "not-its-deployment").timer())
                .as("no series for a path nobody deployed").isNull();

        // revoked: refused from the next request on; a viewer may not revoke
        String id = created.path("id").asString();
        expectProblem(send("carol", HttpMethod.DELETE, keys + "/" + id, null, team), HttpStatus.FORBIDDEN, null);
        JsonNode revoked = json(send("alice", HttpMethod.DELETE, keys + "/" + id, null, team), HttpStatus.OK);
        assertThat(revoked.path("revokedBy").asString()).isEqualTo("alice");
        assertThat(auditRows(team, "model.key.revoke").getFirst().get("outcome")).isEqualTo("success");
        expectProblem(invoke(key, team, "it", payload), HttpStatus.UNAUTHORIZED, null);
        assertThat(json(get("carol", keys, team), HttpStatus.OK).get(0).path("revokedAt").isNull()).isFalse();
    }

    /**
     * Version 2 of the same model (registered from version 1's files through the registry's API: no second training
     * run) rolls out as a rolling update of the same Deployment; the status says which version serves; the rollback
     * restores version 1. Both audited.
     */
    private void aNewVersionRollsOutAndTheRollbackRestoresTheOld(String team, String model,
                                                                Map<String, Object> payload, JsonNode predictions) {
        String api = "/mlflow/{team}/api/2.0/mlflow";
        JsonNode first = mlflow("alice", HttpMethod.GET, api + "/model-versions/get?name=" + model + "&version=1",
                null, team, HttpStatus.OK).path("model_version");
        // MLflow 3 registers a logged model (source models:/<model id>) only when its id is named as well
        String source = first.path("source").asString();
        String modelId = first.path("model_id").asString(source.startsWith("models:/m-")
                ? source.substring("models:/".length()) : "");
        Map<String, Object> create = new java.util.LinkedHashMap<>(Map.of("name", model, "source", source,
                "run_id", first.path("run_id").asString()));
        if (!modelId.isEmpty()) {
            create.put("model_id", modelId);
        }
        JsonNode second = mlflow("alice", HttpMethod.POST, api + "/model-versions/create", create, team,
                HttpStatus.OK).path("model_version");
        assertThat(second.path("version").asString()).isEqualTo("2");
        String uid = kubernetes().apps().deployments().inNamespace("team-" + team).withName("portal-model-it").get()
                .getMetadata().getUid();

        expectProblem(send("alice", HttpMethod.POST, DEPLOYMENTS + "/it/rollback", null, team), HttpStatus.CONFLICT,
                null);
        expectProblem(send("alice", HttpMethod.PATCH, DEPLOYMENTS + "/it", Map.of("version", "7"), team),
                HttpStatus.NOT_FOUND, "version");
        expectProblem(send("carol", HttpMethod.PATCH, DEPLOYMENTS + "/it", Map.of("version", "2"), team),
                HttpStatus.FORBIDDEN, null);
        JsonNode rolling = json(send("alice", HttpMethod.PATCH, DEPLOYMENTS + "/it", Map.of("version", "2"), team),
                HttpStatus.OK);
        assertThat(rolling.path("version").asInt()).isEqualTo(2);
        assertThat(rolling.path("previousVersion").asInt()).isEqualTo(1);
        assertThat(auditRows(team, "model.update").getFirst().get("detail")).isEqualTo("version 1 -> 2");
        JsonNode two = awaitServing(team, 2);
        assertThat(two.path("status").path("rollout").isNull()).as(two.toString()).isTrue();
        var deployment = kubernetes().apps().deployments().inNamespace("team-" + team).withName("portal-model-it")
                .get();
        assertThat(deployment.getMetadata().getUid()).as("the same Deployment, updated").isEqualTo(uid);
        assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().getFirst().getArgs())
                .contains("models:/" + model + "/2");
        assertThat(invoke(token("alice"), team, "it", payload).expectStatus().isOk().expectBody(JsonNode.class)
                .returnResult().getResponseBody().path("predictions")).isEqualTo(predictions);

        JsonNode back = json(send("alice", HttpMethod.POST, DEPLOYMENTS + "/it/rollback", null, team), HttpStatus.OK);
        assertThat(back.path("version").asInt()).isEqualTo(1);
        assertThat(back.path("previousVersion").asInt()).isEqualTo(2);
        assertThat(auditRows(team, "model.rollback").getFirst().get("outcome")).isEqualTo("success");
        awaitServing(team, 1);
        assertThat(invoke(token("carol"), team, "it", payload).expectStatus().isOk().expectBody(JsonNode.class)
                .returnResult().getResponseBody().path("predictions")).isEqualTo(predictions);
    }

    /**
     * Autoscaling on the same deployment, by the cluster's own HPA controller: the portal has handed the replica count
     * over (its field manager no longer owns {@code spec.replicas}, and the count did not drop); a bounded load
     * through the gateway on loopback (an API key, ~5 requests/s against a target of 1 per replica) makes the
     * controller scale to its maximum of 3, which the view says; when the load stops it scales back to 2 after the
     * deployment's 15 s window. A fixed count then switches autoscaling off: the HPA is deleted.
     */
    private void theHpaControllerScalesOutUnderLoadAndBackWhenItStops(String team, Map<String, Object> payload) {
        String namespace = "team-" + team;
        var deployments = kubernetes().apps().deployments().inNamespace(namespace).withName("portal-model-it");
        awaitTrue("the replica count handed over to the HPA controller (not the job runner's applied field)", () -> {
            var live = deployments.get();
            return live.getMetadata().getManagedFields().stream()
                    .filter(entry -> "ai-portal-job-runner".equals(entry.getManager())
                            && "Apply".equals(entry.getOperation()))
                    .noneMatch(entry -> String.valueOf(entry.getFieldsV1().getAdditionalProperties().get("f:spec"))
                            .contains("f:replicas"));
        });
        assertThat(deployments.get().getSpec().getReplicas()).as("handing over kept the count").isEqualTo(2);
        await("the gateway's requests per second in the metrics API", () -> json(get("alice", DEPLOYMENTS + "/it",
                team), HttpStatus.OK), found -> !found.path("autoscalingStatus").path("metrics").path(0)
                .path("current").isNull(), Duration.ofSeconds(180));

        String key = json(send("alice", HttpMethod.POST, DEPLOYMENTS + "/it/keys", Map.of("name", "load"), team),
                HttpStatus.CREATED).path("key").asString();
        java.util.concurrent.atomic.AtomicInteger answered = new java.util.concurrent.atomic.AtomicInteger();
        reactor.core.Disposable load = reactor.core.publisher.Flux.interval(Duration.ofMillis(200))
                .take(Duration.ofMinutes(5))
                .flatMap(tick -> reactor.core.publisher.Mono.fromCallable(() -> invoke(key, team, "it", payload)
                                .returnResult(String.class).getStatus().value())
                        .subscribeOn(reactor.core.scheduler.Schedulers.boundedElastic())
                        .onErrorResume(failure -> reactor.core.publisher.Mono.empty()), 8)
                .subscribe(status -> {
                    if (status == 200) {
                        answered.incrementAndGet();
                    }
                });
        JsonNode scaled;
        try {
            scaled = await("the HPA controller to scale " + team + "/it out to 3 under load", () -> json(get("carol",
                            DEPLOYMENTS + "/it", team), HttpStatus.OK),
                    found -> found.path("autoscalingStatus").path("desiredReplicas").asInt() == 3,
                    Duration.ofMinutes(4));
        } finally {
            load.dispose();
        }
        assertThat(scaled.path("autoscalingStatus").path("desiredReplicas").asInt()).as(scaled.toString())
                .isEqualTo(3);
        assertThat(answered.get()).as("the load was answered").isPositive();
        assertThat(scaled.path("autoscalingStatus").path("metrics").path(0).path("current").asDouble())
                .as("requests per second per replica above the target").isGreaterThan(1.0);
        assertThat(scaled.path("autoscalingStatus").path("lastScaleTime").isNull()).isFalse();
        awaitTrue("the Deployment scaled to 3 by the controller", () -> deployments.get().getSpec().getReplicas() == 3);

        JsonNode calm = await("the HPA controller to scale " + team + "/it back to 2 once the load stopped", () ->
                        json(get("carol", DEPLOYMENTS + "/it", team), HttpStatus.OK),
                found -> found.path("autoscalingStatus").path("desiredReplicas").asInt() == 2,
                Duration.ofMinutes(4));
        assertThat(calm.path("autoscalingStatus").path("desiredReplicas").asInt()).as(calm.toString()).isEqualTo(2);

        // replicas over time, with what drove each change: out to 3 on requests per second, back in to 2 when every
        // metric fell below its target; kept in the job runner's database beyond the HPA's one-hour events
        JsonNode history = await("the rescales in " + team + "/it's scaling history", () -> json(get("carol",
                        DEPLOYMENTS + "/it/scaling-history", team), HttpStatus.OK),
                found -> found.path("changes").size() >= 2, Duration.ofSeconds(60));
        JsonNode out = history.path("changes").get(0);
        assertThat(out.path("replicas").asInt()).as(history.toString()).isEqualTo(3);
        assertThat(out.path("direction").asString()).isEqualTo("up");
        assertThat(out.path("metric").asString()).isEqualTo("requestsPerSecond");
        assertThat(out.path("reason").asString()).contains("portal_model_requests_per_second");
        JsonNode in = history.path("changes").get(history.path("changes").size() - 1);
        assertThat(in.path("replicas").asInt()).isEqualTo(2);
        assertThat(in.path("direction").asString()).isEqualTo("down");
        assertThat(history.path("replicasAtStart").asInt()).isEqualTo(2);
        awaitTrue("the rescales recorded in the database", () -> db.sql("select count(*) as n from "
                        + "model_scaling_event where team_slug = :team and deployment = 'it'").bind("team", team)
                .map(row -> row.get("n", Long.class)).one().block() >= 2);
        expectProblem(get("carol", DEPLOYMENTS + "/nothing/scaling-history", team), HttpStatus.NOT_FOUND, null);

        // a fixed count: autoscaling off, the HPA deleted, the count the portal's again
        expectProblem(send("alice", HttpMethod.PATCH, DEPLOYMENTS + "/it", Map.of("replicas", 2, "autoscaling",
                Map.of("maxReplicas", 3, "cpuUtilization", 80)), team), HttpStatus.BAD_REQUEST, "replicas");
        JsonNode off = json(send("alice", HttpMethod.PATCH, DEPLOYMENTS + "/it", Map.of("replicas", 2), team),
                HttpStatus.OK);
        assertThat(off.path("autoscaling").isNull()).isTrue();
        assertThat(off.path("autoscalingStatus").isNull()).isTrue();
        assertThat(kubernetes().autoscaling().v2().horizontalPodAutoscalers().inNamespace(namespace)
                .withName("portal-model-it").get()).as("the HPA deleted").isNull();
        assertThat(auditRows(team, "model.update").getFirst().get("detail")).isEqualTo("autoscaling 2..3 -> 2 replicas");
    }

    /**
     * Right-sizing of the same deployment (2 fixed replicas by now): a recommendation-only VPA beside it, the cluster's
     * real VPA recommender measures the real model servers, and the view shows the recommendation against the
     * request; a new size is applied with a PATCH, rolled out replica by replica, audited.
     */
    private void aModelServerIsRightSizedAndResizedByARollingUpdate(String team) {
        String namespace = "team-" + team;
        var vpa = kubernetes().genericKubernetesResources(ai.portal.jobs.cluster.ClusterState.RIGHT_SIZERS)
                .inNamespace(namespace).withName("portal-model-it").get();
        assertThat(vpa).as("the model server's VerticalPodAutoscaler").isNotNull();
        assertThat(vpa.getMetadata().getLabels()).containsEntry("portal.ai/instance", instance());
        assertThat(vpa.getAdditionalProperties().get("spec").toString()).contains("updateMode=Off")
                .contains("kind=Deployment").contains("containerName=server");
        JsonNode sizing = await("the VPA recommender's recommendation for " + team + "/it", () -> json(get("carol",
                        DEPLOYMENTS + "/it", team), HttpStatus.OK).path("rightSizing"),
                found -> "ready".equals(found.path("state").asString()), Duration.ofSeconds(240));
        assertThat(sizing.path("resources").get(0).path("name").asString()).isEqualTo("cpu");
        assertThat(sizing.path("resources").get(0).path("requested").asDouble()).isEqualTo(0.1);
        assertThat(sizing.path("resources").get(0).path("target").asDouble()).as(sizing.toString()).isPositive();

        expectProblem(send("alice", HttpMethod.PATCH, DEPLOYMENTS + "/it", Map.of("cpu", "lots"), team),
                HttpStatus.BAD_REQUEST, "cpu");
        expectProblem(send("alice", HttpMethod.PATCH, DEPLOYMENTS + "/it", Map.of("memory", "1Mi"), team),
                HttpStatus.BAD_REQUEST, "memory");
        int version = json(get("carol", DEPLOYMENTS + "/it", team), HttpStatus.OK).path("version").asInt();
        JsonNode resized = json(send("alice", HttpMethod.PATCH, DEPLOYMENTS + "/it", Map.of("cpu", "150m",
                "memory", "640Mi"), team), HttpStatus.OK);
        assertThat(resized.path("cpu").asString()).isEqualTo("150m");
        assertThat(resized.path("memory").asString()).isEqualTo("640Mi");
        awaitTrue("the new size rolled out to both replicas", () -> {
            var pods = kubernetes().pods().inNamespace(namespace).withLabel("portal.ai/model-deployment", "it")
                    .list().getItems().stream().filter(pod -> pod.getMetadata().getDeletionTimestamp() == null)
                    .toList();
            return pods.size() == 2 && pods.stream().allMatch(pod -> new io.fabric8.kubernetes.api.model.Quantity(
                    "150m").equals(pod.getSpec().getContainers().getFirst().getResources().getRequests().get("cpu")));
        });
        awaitServing(team, version);
        assertThat(auditRows(team, "model.update").getFirst().get("detail"))
                .isEqualTo("size 100m CPU and 512Mi memory -> 150m CPU and 640Mi memory");
    }

    /** Waits until every Ready replica, both of them, serves {@code version}. */
    private JsonNode awaitServing(String team, int version) {
        JsonNode serving = await("both replicas of " + team + "/it serve version " + version, () -> json(get("carol",
                        DEPLOYMENTS + "/it", team), HttpStatus.OK),
                found -> found.path("status").path("servingVersions").size() == 1
                        && found.path("status").path("servingVersions").get(0).asInt() == version
                        && found.path("status").path("readyReplicas").asInt() == 2
                        || "failing".equals(found.path("status").path("state").asString()),
                Duration.ofSeconds(300));
        assertThat(serving.path("status").path("servingVersion").asInt()).as(serving.toString()).isEqualTo(version);
        return serving;
    }

    /** {@code POST /models/<team>/<name>/invocations} with a bearer credential (a member's token or an API key). */
    private WebTestClient.ResponseSpec invoke(String bearer, String team, String name, Map<String, Object> payload) {
        return client.post().uri("/models/{team}/{name}/invocations", team, name)
                .headers(h -> h.setBearerAuth(bearer)).contentType(MediaType.APPLICATION_JSON)
                .accept(MediaType.APPLICATION_JSON).bodyValue(payload).exchange();
    }

    private static byte[] sha256(String text) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(
                    java.nio.charset.StandardCharsets.US_ASCII));
        } catch (java.security.NoSuchAlgorithmException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /**
     * The node agent's simulated GPU load ({@code sim.portal.ai/gpu-load}) on every replica of {@code gpu} that does
     * not have it yet.
     */
    private static void simulatedGpuLoad(String namespace, String load) {
        for (var replica : kubernetes().pods().inNamespace(namespace).withLabel("portal.ai/model-deployment", "gpu")
                .list().getItems()) {
            if (replica.getMetadata().getAnnotations() != null
                    && load.equals(replica.getMetadata().getAnnotations().get("sim.portal.ai/gpu-load"))) {
                continue;
            }
            kubernetes().pods().inNamespace(namespace).withName(replica.getMetadata().getName())
                    .edit(edited -> new io.fabric8.kubernetes.api.model.PodBuilder(edited).editMetadata()
                            .addToAnnotations("sim.portal.ai/gpu-load", load).endMetadata().build());
        }
    }

    private static Map<String, Object> without(Map<String, Object> body, String key) {
        Map<String, Object> changed = new java.util.LinkedHashMap<>(body);
        changed.remove(key);
        return changed;
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
