package ai.portal.logs.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import ai.portal.localcluster.LocalCluster;
import ai.portal.localcluster.SimulatedNodes;
import ai.portal.logs.EmbeddedOpenSearch;
import ai.portal.logs.query.TeamUsers;
import ai.portal.platform.team.PortalLabels;
import ai.portal.testing.LocalPrometheus;
import ai.portal.testing.Tokens;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpStatus;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The GPU metrics API end to end: pods on the REAL local cluster hold simulated GPUs, the sim-agent serves their
 * DCGM metrics, a REAL Prometheus (Debian's, started for this class, with the project's recording rules) scrapes it
 * every second, and the service answers real Keycloak tokens. A private pool of H100 nodes keeps other tests' pods
 * out of these GPUs.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GpuMetricsApiTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String INSTANCE = "gpumetrics-test";
    private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 6);
    private static final String TEAM = "gpu-a";
    private static final String OTHER_TEAM = "gpu-b";
    private static final String NAMESPACE = "team-" + TEAM;
    private static final String POOL = "gpum-" + SUFFIX;
    private static final String JOB = "train-" + SUFFIX;
    private static final String NOTEBOOK = "nb-" + SUFFIX;
    private static final TeamUsers USERS = new TeamUsers();

    private static LocalPrometheus prometheus;
    private static String member;
    private static String outsider;
    private static String admin;

    @DynamicPropertySource
    static void wire(DynamicPropertyRegistry registry) {
        LocalCluster cluster = LocalCluster.shared();
        prometheus = LocalPrometheus.builder()
                .scrape("dcgm-exporter", cluster.agentMetricsUri(), true)
                .interval(Duration.ofSeconds(1))
                .withProjectRules()
                .start();
        String kubeconfig = cluster.kubeconfig().toAbsolutePath().toString();
        System.setProperty(Config.KUBERNETES_KUBECONFIG_FILE, kubeconfig);
        registry.add("KUBECONFIG", () -> kubeconfig);
        registry.add("portal.logs.kubernetes.enabled", () -> "true");
        registry.add("portal.installation.id", () -> INSTANCE);
        registry.add("portal.logs.opensearch.url", () -> EmbeddedOpenSearch.uri().toString());
        registry.add("portal.logs.opensearch.index-prefix", () -> "gpumetrics");
        registry.add("portal.metrics.prometheus-url", () -> prometheus.uri().toString());
        // a one-second scrape: charts may be that fine, and "idle" may be decided within seconds
        registry.add("portal.metrics.min-step", () -> "1s");
        registry.add("portal.metrics.idle.min-period", () -> "5s");
        registry.add("portal.metrics.grafana.url", () -> "https://grafana.example/");
    }

    @BeforeAll
    static void podsHoldGpus() {
        member = USERS.memberToken(TEAM);
        outsider = USERS.memberToken(OTHER_TEAM);
        admin = Tokens.fromTestStack().userToken("admin");
        KubernetesClient k = LocalCluster.shared().admin();
        SimulatedNodes.create(k, POOL, "h100", 1, SimulatedNodes.GpuType.H100, 8);
        if (k.namespaces().withName(NAMESPACE).get() == null) {
            k.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE)
                    .addToLabels(PortalLabels.MANAGED_BY, "logging-pipeline-test").endMetadata().build()).create();
        }
        k.serviceAccounts().inNamespace(NAMESPACE).withName("default")
                .waitUntilCondition(Objects::nonNull, 1, TimeUnit.MINUTES);
        // a training job's pod with 2 GPUs (batch: busy), a notebook's pod with 1 GPU (long-running: idle)
        k.pods().inNamespace(NAMESPACE).resource(gpuPod(JOB + "-x7k2p", JOB, "Never", 2)).create();
        k.pods().inNamespace(NAMESPACE).resource(gpuPod(NOTEBOOK + "-0", NOTEBOOK, "Always", 1)).create();
        for (String pod : List.of(JOB + "-x7k2p", NOTEBOOK + "-0")) {
            k.pods().inNamespace(NAMESPACE).withName(pod).waitUntilCondition(p -> p != null && p.getStatus() != null
                    && "Running".equals(p.getStatus().getPhase()), 2, TimeUnit.MINUTES);
        }
    }

    private static Pod gpuPod(String name, String workload, String restartPolicy, int gpus) {
        return new PodBuilder()
                .withNewMetadata().withName(name).withNamespace(NAMESPACE)
                .addToLabels(PortalLabels.WORKLOAD, workload)
                .addToLabels(PortalLabels.INSTANCE, INSTANCE)
                .addToAnnotations("sim.portal.ai/log-profile", "quiet")
                .endMetadata()
                .withNewSpec()
                .withRestartPolicy(restartPolicy)
                .addToNodeSelector(SimulatedNodes.POOL_LABEL, POOL)
                .addNewToleration().withKey("nvidia.com/gpu").withOperator("Exists").withEffect("NoSchedule").endToleration()
                .addNewToleration().withKey(SimulatedNodes.POOL_TAINT).withOperator("Exists").withEffect("NoSchedule").endToleration()
                .addNewContainer().withName("main").withImage("registry.example/ai-portal/trainer:1.0")
                .withNewResources()
                .addToRequests("cpu", new Quantity("1")).addToRequests("memory", new Quantity("1Gi"))
                .addToLimits("memory", new Quantity("1Gi"))
                .addToRequests("nvidia.com/gpu", new Quantity(Integer.toString(gpus)))
                .addToLimits("nvidia.com/gpu", new Quantity(Integer.toString(gpus)))
                .endResources()
                .endContainer()
                .withTerminationGracePeriodSeconds(0L)
                .endSpec()
                .build();
    }

    @AfterAll
    static void cleanUp() {
        KubernetesClient k = LocalCluster.shared().admin();
        k.pods().inNamespace(NAMESPACE).withLabel(PortalLabels.INSTANCE, INSTANCE).delete();
        SimulatedNodes.delete(k, POOL);
        if (prometheus != null) {
            prometheus.close();
        }
        System.clearProperty(Config.KUBERNETES_KUBECONFIG_FILE);
    }

    @Value("${local.server.port}")
    private int port;

    private WebTestClient client;

    @BeforeEach
    void bind() {
        client = WebTestClient.bindToServer().baseUrl("http://localhost:" + port)
                .responseTimeout(Duration.ofSeconds(60)).build();
    }

    @Test
    @Order(1)
    void aRunning2GpuJobShowsTwoBusyGpuSeriesOfItsPod() {
        JsonNode page = await("two GPU series of the job").atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofSeconds(2))
                .until(() -> get(member, "/api/v1/teams/" + TEAM + "/workloads/" + JOB + "/gpu-metrics?range=1m&step=1s"),
                        p -> signal(p, "utilization").size() == 2 && filled(signal(p, "utilization")) >= 10);
        assertThat(page.path("scope").asString()).isEqualTo("workload");
        assertThat(page.path("pods").get(0).asString()).isEqualTo(JOB + "-x7k2p");
        List<JsonNode> util = signal(page, "utilization");
        assertThat(util).allSatisfy(series -> {
            assertThat(series.path("labels").path("pod").asString()).isEqualTo(JOB + "-x7k2p");
            assertThat(series.path("labels").path("node").asString()).startsWith(POOL);
            assertThat(series.path("labels").path("gpuType").asString()).isEqualTo("NVIDIA H100 80GB HBM3");
            assertThat(values(series)).allSatisfy(v -> assertThat(v).isBetween(80.0, 100.0)); // busy
        });
        assertThat(util.stream().map(s -> s.path("labels").path("gpu").asString()).distinct()).hasSize(2);
        assertThat(signal(page, "memoryUsed")).hasSize(2).allSatisfy(series ->
                assertThat(values(series)).allSatisfy(v -> assertThat(v).isBetween(40_000.0, 81_559.0)));
        assertThat(signal(page, "power")).allSatisfy(series ->
                assertThat(values(series)).allSatisfy(v -> assertThat(v).isBetween(500.0, 700.0)));
        assertThat(signal(page, "temperature")).allSatisfy(series ->
                assertThat(values(series)).allSatisfy(v -> assertThat(v).isBetween(60.0, 90.0)));
        assertThat(page.path("dashboardUrl").asString())
                .startsWith("https://grafana.example/d/ai-portal-gpu-workload?var-namespace=" + NAMESPACE
                        + "&var-pod=" + JOB + "-x7k2p&from=");
    }

    @Test
    @Order(2)
    void theGpusNowCarryTheirPodWorkloadAndXidError() {
        LocalCluster.shared().admin().pods().inNamespace(NAMESPACE).withName(JOB + "-x7k2p")
                .edit(p -> new PodBuilder(p).editMetadata().addToAnnotations("sim.portal.ai/xid-error", "13")
                        .endMetadata().build());
        JsonNode now = await("XID 13 on the job's GPUs").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1))
                .until(() -> get(member, "/api/v1/teams/" + TEAM + "/gpu-metrics/current"),
                        n -> list(n.path("gpus")).stream().filter(g -> g.path("xidError").asInt() == 13).count() == 2);
        List<JsonNode> gpus = list(now.path("gpus"));
        assertThat(gpus).hasSize(3);
        assertThat(gpus).filteredOn(g -> g.path("pod").asString().equals(NOTEBOOK + "-0")).singleElement()
                .satisfies(g -> {
                    assertThat(g.path("workload").asString()).isEqualTo(NOTEBOOK);
                    assertThat(g.path("utilization").asDouble()).isLessThan(5);
                    assertThat(g.path("memoryTotalMiB").asDouble()).isEqualTo(81_559.0);
                    assertThat(g.path("xidError").asInt()).isZero();
                });
    }

    @Test
    @Order(3)
    void anIdleNotebookIsReportedIdleAfterThePeriodAndTheBusyJobIsNot() {
        String idle = "/gpu-metrics/idle?period=10s&threshold=5";
        JsonNode notebook = await("the notebook idle for 10 s").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1))
                .until(() -> get(member, "/api/v1/teams/" + TEAM + "/workloads/" + NOTEBOOK + idle),
                        r -> r.path("idle").asBoolean());
        assertThat(notebook.path("gpusHeld").asInt()).isEqualTo(1);
        assertThat(notebook.path("period").asString()).isEqualTo("PT10S");
        assertThat(list(notebook.path("idleGpus"))).singleElement().satisfies(g -> {
            assertThat(g.path("pod").asString()).isEqualTo(NOTEBOOK + "-0");
            assertThat(g.path("workload").asString()).isEqualTo(NOTEBOOK);
            assertThat(g.path("team").asString()).isEqualTo(TEAM);
            assertThat(g.path("peakUtilization").asDouble()).isLessThan(5);
        });

        JsonNode job = get(member, "/api/v1/teams/" + TEAM + "/workloads/" + JOB + idle);
        assertThat(job.path("gpusHeld").asInt()).isEqualTo(2);
        assertThat(job.path("idle").asBoolean()).isFalse();
        assertThat(list(job.path("idleGpus"))).isEmpty();

        JsonNode team = get(member, "/api/v1/teams/" + TEAM + idle);
        assertThat(team.path("gpusHeld").asInt()).isEqualTo(3);
        assertThat(list(team.path("idleGpus"))).extracting(g -> g.path("pod").asString()).containsExactly(NOTEBOOK + "-0");
        // the fleet's idle GPUs (admins) name the team, pod and workload that hold them
        assertThat(list(get(admin, "/api/v1/gpu-metrics/fleet/idle?period=10s&threshold=5").path("idleGpus")))
                .filteredOn(g -> g.path("namespace").asString().equals(NAMESPACE)).singleElement()
                .satisfies(g -> {
                    assertThat(g.path("team").asString()).isEqualTo(TEAM);
                    assertThat(g.path("pod").asString()).isEqualTo(NOTEBOOK + "-0");
                    assertThat(g.path("workload").asString()).isEqualTo(NOTEBOOK);
                });

        // the same notebook made busy is no longer idle once its busy samples are in the period
        LocalCluster.shared().admin().pods().inNamespace(NAMESPACE).withName(NOTEBOOK + "-0")
                .edit(p -> new PodBuilder(p).editMetadata().addToAnnotations("sim.portal.ai/gpu-load", "busy")
                        .endMetadata().build());
        await("the notebook busy").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1))
                .until(() -> !get(member, "/api/v1/teams/" + TEAM + "/workloads/" + NOTEBOOK + idle)
                        .path("idle").asBoolean());
    }

    @Test
    @Order(4)
    void theTeamChartIsPerPodFromTheRecordingRules() {
        JsonNode page = await("per-pod series of the team").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(2))
                .until(() -> get(member, "/api/v1/teams/" + TEAM + "/gpu-metrics?range=30s&step=1s&signals=utilization,gpusAllocated"),
                        p -> signal(p, "gpusAllocated").size() == 2 && filled(signal(p, "gpusAllocated")) >= 5);
        assertThat(signal(page, "gpusAllocated")).anySatisfy(series -> {
            assertThat(series.path("labels").path("pod").asString()).isEqualTo(JOB + "-x7k2p");
            assertThat(series.path("labels").path("workload").asString()).isEqualTo(JOB);
            assertThat(values(series)).contains(2.0);
        });
    }

    /** Every team endpoint refuses a member of another team alike, and only admins see the fleet. */
    @Test
    @Order(5)
    void aMemberOfAnotherTeamGetsTheTeamAccessDenialOnEveryEndpoint() {
        List<String> teamPaths = List.of(
                "/api/v1/teams/" + TEAM + "/workloads/" + JOB + "/gpu-metrics",
                "/api/v1/teams/" + TEAM + "/workloads/" + JOB + "/gpu-metrics/current",
                "/api/v1/teams/" + TEAM + "/workloads/" + JOB + "/gpu-metrics/idle",
                "/api/v1/teams/" + TEAM + "/gpu-metrics",
                "/api/v1/teams/" + TEAM + "/gpu-metrics/current",
                "/api/v1/teams/" + TEAM + "/gpu-metrics/idle");
        for (String path : teamPaths) {
            JsonNode problem = status(outsider, path, HttpStatus.NOT_FOUND);
            assertThat(problem.path("title").asString()).as(path).isEqualTo("Team not found or not allowed");
            // the problem's instance echoes the caller's own path; nothing else may name the workload or a metric
            ((ObjectNode) problem).remove("instance");
            assertThat(problem.toString()).as(path).doesNotContain(JOB).doesNotContain("DCGM");
            status(null, path, HttpStatus.UNAUTHORIZED);
        }
        for (String path : List.of("/api/v1/gpu-metrics/fleet", "/api/v1/gpu-metrics/fleet/current",
                "/api/v1/gpu-metrics/fleet/idle")) {
            assertThat(status(member, path, HttpStatus.FORBIDDEN).path("detail").asString()).as(path)
                    .contains("platform admins");
        }
        // the outsider's own team answers (and has no GPUs)
        assertThat(list(get(outsider, "/api/v1/teams/" + OTHER_TEAM + "/gpu-metrics/current").path("gpus"))).isEmpty();
    }

    @Test
    @Order(6)
    void anAdminSeesTheFleetByGpuType() {
        JsonNode fleet = await("the pool's GPUs in the fleet").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(2))
                .until(() -> get(admin, "/api/v1/gpu-metrics/fleet/current"),
                        f -> list(f.path("teams")).stream().anyMatch(t -> t.path("namespace").asString().equals(NAMESPACE)
                                && t.path("allocated").asInt() == 3));
        assertThat(list(fleet.path("types"))).anySatisfy(type -> {
            assertThat(type.path("gpuType").asString()).isEqualTo("NVIDIA H100 80GB HBM3");
            assertThat(type.path("gpus").asInt()).isGreaterThanOrEqualTo(8);
            assertThat(type.path("allocated").asInt()).isGreaterThanOrEqualTo(3).isLessThanOrEqualTo(type.path("gpus").asInt());
        });
        JsonNode chart = get(admin, "/api/v1/gpu-metrics/fleet?range=30s&step=1s&signals=gpus,utilization");
        assertThat(signal(chart, "gpus")).extracting(s -> s.path("labels").path("gpuType").asString())
                .contains("NVIDIA H100 80GB HBM3");
    }

    /**
     * The XID error set on the job's pod (order 2) fires the project's GpuXidError rule: admins see it among every
     * portal rule and its state, the team sees its own alert, another team sees none of it.
     */
    @Test
    @Order(7)
    void alertsAreReadByAdminsWholeAndByATeamForItsOwnNamespace() {
        JsonNode platform = await("GpuXidError firing for the job's two GPUs").atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> get(admin, "/api/v1/gpu-metrics/alerts"), a -> list(a.path("alerts")).stream()
                        .filter(alert -> alert.path("name").asString().equals("GpuXidError")
                                && alert.path("pod").asString().equals(JOB + "-x7k2p")).count() == 2);
        assertThat(list(platform.path("rules"))).extracting(r -> r.path("name").asString())
                .contains("GpuAllocatedButIdle", "GpuTemperatureHigh", "GpuXidErrorCritical", "GpuXidError",
                        "TeamGpuQuotaNearlyFull", "PortalServiceDown", "GpuExporterDown");
        assertThat(list(platform.path("rules"))).filteredOn(r -> r.path("name").asString().equals("GpuXidError"))
                .singleElement().satisfies(rule -> {
                    assertThat(rule.path("state").asString()).isEqualTo("firing");
                    assertThat(rule.path("severity").asString()).isEqualTo("warning");
                    assertThat(rule.path("firing").asInt()).isGreaterThanOrEqualTo(2);
                });
        assertThat(list(platform.path("alerts"))).filteredOn(a -> a.path("pod").asString().equals(JOB + "-x7k2p"))
                .allSatisfy(alert -> {
                    assertThat(alert.path("state").asString()).isEqualTo("firing");
                    assertThat(alert.path("team").asString()).isEqualTo(TEAM);
                    assertThat(alert.path("namespace").asString()).isEqualTo(NAMESPACE);
                    assertThat(alert.path("workload").asString()).isEqualTo(JOB);
                    assertThat(alert.path("node").asString()).startsWith(POOL);
                    assertThat(alert.path("summary").asString()).contains("XID 13");
                });

        JsonNode mine = get(member, "/api/v1/teams/" + TEAM + "/gpu-metrics/alerts");
        assertThat(mine.path("team").asString()).isEqualTo(TEAM);
        assertThat(list(mine.path("rules"))).isEmpty();
        assertThat(list(mine.path("alerts"))).isNotEmpty()
                .allSatisfy(alert -> assertThat(alert.path("namespace").asString()).isEqualTo(NAMESPACE))
                .filteredOn(alert -> alert.path("name").asString().equals("GpuXidError")).hasSize(2);

        String theirs = get(outsider, "/api/v1/teams/" + OTHER_TEAM + "/gpu-metrics/alerts").toString();
        assertThat(theirs).doesNotContain(NAMESPACE).doesNotContain(JOB);
        status(outsider, "/api/v1/teams/" + TEAM + "/gpu-metrics/alerts", HttpStatus.NOT_FOUND);
        status(null, "/api/v1/teams/" + TEAM + "/gpu-metrics/alerts", HttpStatus.UNAUTHORIZED);
        assertThat(status(member, "/api/v1/gpu-metrics/alerts", HttpStatus.FORBIDDEN).path("detail").asString())
                .contains("platform admins");
    }

    @Test
    @Order(8)
    void heavyAndMalformedQueriesAreRefusedWithAClearMessage() {
        String base = "/api/v1/teams/" + TEAM + "/workloads/" + JOB + "/gpu-metrics";
        assertThat(status(member, base + "?range=60d", HttpStatus.UNPROCESSABLE_CONTENT).path("detail").asString())
                .contains("longer than the longest");
        assertThat(status(member, base + "?range=6h&points=100000", HttpStatus.UNPROCESSABLE_CONTENT).path("title")
                .asString()).isEqualTo("Query too heavy");
        assertThat(status(member, base + "?range=six", HttpStatus.BAD_REQUEST).path("field").asString()).isEqualTo("range");
        assertThat(status(member, base + "?signals=utilisation", HttpStatus.BAD_REQUEST).path("detail").asString())
                .contains("utilization, memoryUsed");
        status(member, "/api/v1/teams/" + TEAM + "/workloads/" + "Bad%22Name/gpu-metrics", HttpStatus.BAD_REQUEST);
    }

    /** Prometheus gone: the metrics API says so (503), everything else of the service answers. */
    @Test
    @Order(9)
    void withPrometheusStoppedMetricsAreUnavailableAndTheRestAnswers() {
        prometheus.kill();
        try {
            for (String path : List.of("/api/v1/teams/" + TEAM + "/workloads/" + JOB + "/gpu-metrics",
                    "/api/v1/teams/" + TEAM + "/gpu-metrics/current", "/api/v1/teams/" + TEAM + "/gpu-metrics/idle")) {
                JsonNode problem = status(member, path, HttpStatus.SERVICE_UNAVAILABLE);
                assertThat(problem.path("title").asString()).isEqualTo("Metrics unavailable");
                assertThat(problem.path("detail").asString()).contains("does not answer");
            }
            status(admin, "/api/v1/gpu-metrics/fleet/current", HttpStatus.SERVICE_UNAVAILABLE);
            status(admin, "/api/v1/gpu-metrics/alerts", HttpStatus.SERVICE_UNAVAILABLE);
            status(member, "/api/v1/teams/" + TEAM + "/gpu-metrics/alerts", HttpStatus.SERVICE_UNAVAILABLE);
            // the rest of the service: the team's logs, who I am, health
            client.get().uri("/api/v1/teams/" + TEAM + "/logs").headers(h -> h.setBearerAuth(member))
                    .exchange().expectStatus().isOk();
            client.get().uri("/api/v1/me").headers(h -> h.setBearerAuth(member)).exchange().expectStatus().isOk();
            client.get().uri("/actuator/health").exchange().expectStatus().isOk();
        } finally {
            prometheus.restart();
        }
        await("metrics back with Prometheus").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(2))
                .until(() -> client.get().uri("/api/v1/teams/" + TEAM + "/gpu-metrics/current")
                        .headers(h -> h.setBearerAuth(member)).exchange().returnResult(String.class).getStatus().value() == 200);
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private JsonNode get(String token, String path) {
        return JSON.readTree(client.get().uri(path).headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody());
    }

    private JsonNode status(String token, String path, HttpStatus expected) {
        String body = client.get().uri(path).headers(h -> {
                    if (token != null) {
                        h.setBearerAuth(token);
                    }
                }).exchange()
                .expectStatus().isEqualTo(expected).expectBody(String.class).returnResult().getResponseBody();
        return body == null || body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
    }

    private static List<JsonNode> signal(JsonNode page, String name) {
        for (JsonNode s : page.path("signals")) {
            if (s.path("signal").asString().equals(name)) {
                return list(s.path("series"));
            }
        }
        return List.of();
    }

    private static List<JsonNode> list(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
    }

    private static List<Double> values(JsonNode series) {
        List<Double> out = new ArrayList<>();
        for (JsonNode v : series.path("values")) {
            if (!v.isNull()) {
                out.add(v.asDouble());
            }
        }
        return out;
    }

    /** The fewest non-null points of any of the series. */
    private static long filled(List<JsonNode> series) {
        return series.stream().mapToLong(s -> values(s).size()).min().orElse(0);
    }
}
