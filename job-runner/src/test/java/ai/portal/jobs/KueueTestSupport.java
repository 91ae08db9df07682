package ai.portal.jobs;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.junit.jupiter.api.BeforeEach;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import tools.jackson.databind.JsonNode;

/**
 * Base of the tests that need Kueue admitting workloads on the local cluster: teams get a quota through
 * tenant-service and their Kueue queues ({@link TeamQueues}); helpers launch, read and wait for workloads.
 */
public abstract class KueueTestSupport extends JobRunnerTestSupport {

    public static final String A100 = "NVIDIA-A100-SXM4-80GB";
    public static final String H100 = "NVIDIA-H100-80GB-HBM3";
    public static final String T4 = "Tesla-T4";
    /**
     * A catalogue image outside the local cluster's runnable set: its pods are simulated, so a test decides how long
     * they run and how they end (annotations {@code sim.portal.ai/duration}, {@code sim.portal.ai/outcome}).
     * The catalogue's own images run for real there (JupyterLab, Python).
     */
    public static final String SIMULATED_IMAGE = "sim-test";

    @BeforeEach
    void leaderAndKueue() {
        if (get("admin", "/api/v1/images/{id}", SIMULATED_IMAGE).returnResult(String.class).getStatus().value()
                == 404) {
            send("admin", HttpMethod.POST, "/api/v1/images", Map.of("id", SIMULATED_IMAGE,
                    "reference", "registry.invalid/portal-tests/simulated:1", "displayName", "Simulated (tests)",
                    "forNotebooks", true, "forJobs", true, "cuda", true));
        }
        awaitLeader();
        awaitTrue("Kueue's API on the cluster", () -> kubernetes().apiextensions().v1().customResourceDefinitions()
                .withName("workloads.kueue.x-k8s.io").get() != null);
    }

    /** A team owned by {@code owner} with these GPUs per type, {@code maxNotebooks}, and its Kueue queues. */
    protected String teamWithQuota(String prefix, String owner, Map<String, Integer> gpus, int maxNotebooks,
                                   boolean cohort) {
        String slug = createTeam(prefix, owner);
        for (String type : gpus.keySet()) {
            ensureGpuType(type);
        }
        Map<String, Object> quota = new LinkedHashMap<>();
        quota.put("cpu", "64");
        quota.put("memory", "512Gi");
        quota.put("storage", "1Ti");
        quota.put("pvcs", 20);
        quota.put("maxNotebooks", maxNotebooks);
        quota.put("gpus", gpus);
        tenantClient.put().uri("/api/v1/teams/{slug}/quota?force=true", slug)
                .headers(h -> h.setBearerAuth(token("admin"))).bodyValue(quota)
                .exchange().expectStatus().isOk();
        awaitTrue("team-" + slug + "'s ResourceQuota with max-notebooks " + maxNotebooks, () -> {
            var resourceQuota = kubernetes().resourceQuotas().inNamespace("team-" + slug).withName("team-quota").get();
            return resourceQuota != null && resourceQuota.getMetadata().getAnnotations() != null
                    && Integer.toString(maxNotebooks).equals(resourceQuota.getMetadata().getAnnotations()
                    .get("portal.ai/max-notebooks"));
        });
        TeamQueues.ensure(kubernetes(), instance(), slug, gpus, cohort);
        awaitTrue("the job runner to see team " + slug + "'s queue", () -> json(get("admin",
                "/api/v1/teams/{team}/capacity", slug), HttpStatus.OK).path("queueReady").asBoolean());
        return slug;
    }

    /** The GPU type in tenant-service's catalogue (private test types are added). */
    protected void ensureGpuType(String type) {
        JsonNode types = tenantClient.get().uri("/api/v1/gpu-types").headers(h -> h.setBearerAuth(token("admin")))
                .exchange().expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();
        if (!types.findValuesAsString("name").contains(type)) {
            tenantClient.post().uri("/api/v1/gpu-types?force=true").headers(h -> h.setBearerAuth(token("admin")))
                    .bodyValue(Map.of("name", type, "displayName", type, "memoryGib", 16))
                    .exchange().expectStatus().isCreated();
        }
    }

    protected static Map<String, Object> job(String name, String gpuType, int gpus, String duration,
                                             Object... overrides) {
        Map<String, Object> job = new HashMap<>();
        job.put("name", name);
        job.put("image", SIMULATED_IMAGE);
        job.put("command", List.of("python", "train.py"));
        job.put("cpu", "1");
        job.put("memory", "1Gi");
        job.put("maxRuntimeSeconds", 600);
        if (gpus > 0) {
            job.put("gpuType", gpuType);
            job.put("gpus", gpus);
        }
        // the simulated nodes end a job's container after this long (infra/local-cluster/README.md)
        job.put("annotations", Map.of("sim.portal.ai/duration", duration));
        for (int i = 0; i < overrides.length; i += 2) {
            job.put((String) overrides[i], overrides[i + 1]);
        }
        return job;
    }

    protected JsonNode submit(String user, String team, Map<String, Object> job) {
        return json(send(user, HttpMethod.POST, "/api/v1/teams/{team}/jobs", job, team), HttpStatus.CREATED);
    }

    protected JsonNode workload(String team, String name) {
        return json(get("alice", "/api/v1/teams/{team}/workloads/{name}", team, name), HttpStatus.OK);
    }

    /** Polls the workload's detail until its status satisfies {@code done}; returns the last detail. */
    protected JsonNode awaitStatus(String team, String name, String what, Predicate<JsonNode> done) {
        return await(team + "/" + name + " " + what, () -> json(get("admin", "/api/v1/teams/{team}/workloads/{name}",
                team, name), HttpStatus.OK), detail -> done.test(detail.path("workload").path("status")),
                Duration.ofSeconds(120));
    }

    protected JsonNode awaitPhase(String team, String name, String phase) {
        return awaitStatus(team, name, "phase " + phase, status -> phase.equals(status.path("phase").asString()));
    }
}
