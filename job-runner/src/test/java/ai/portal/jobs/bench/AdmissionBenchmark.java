package ai.portal.jobs.bench;

import java.io.File;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import ai.portal.localcluster.SimulatedNodes;
import ai.portal.testing.TestStack;
import ai.portal.testing.Tokens;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 8's admission figures for docs/benchmarks.md (a test-scoped main, not a test; lines {@code BENCH key=value})
 * against a running stack ({@code ./portal up}: the job runner, tenant-service, Keycloak and the local cluster with
 * Kueue). It adds {@code nodes} simulated nodes of a GPU type of its own (8 GPUs each), makes {@code teams} teams
 * owned by alice whose quotas together cover every job, submits {@code jobs} one-GPU jobs round-robin through the job
 * runner's API from 8 threads, and watches pods and Kueue Workloads as they appear:
 * <ul>
 *   <li>submit: the API call's latency, p50/p95;</li>
 *   <li>submit → pod created (seen by a watch), p50/p95;</li>
 *   <li>admissions per second: Workloads turning {@code QuotaReserved}, over the span from the first to the last.</li>
 * </ul>
 * Everything it made (teams, nodes) is deleted at the end.
 *
 * <pre>
 * ./portal up   # then, from job-runner/:
 * java -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
 *     ai.portal.jobs.bench.AdmissionBenchmark 20 1000 200
 * </pre>
 */
public final class AdmissionBenchmark {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final ResourceDefinitionContext WORKLOADS = new ResourceDefinitionContext.Builder()
            .withGroup("kueue.x-k8s.io").withVersion("v1beta2").withKind("Workload").withPlural("workloads")
            .withNamespaced(true).build();
    private static final String IMAGE = "sim-test";

    private final HttpClient http = TestStack.httpClient();
    private final BenchHttp calls = new BenchHttp(http);
    private final String tenantUrl;
    private final String jobsUrl;
    private final String admin;
    private final String alice;

    private AdmissionBenchmark() {
        TestStack stack = TestStack.get();
        tenantUrl = stack.value("PORTAL_TENANT_URL");
        jobsUrl = stack.value("PORTAL_JOBS_URL");
        Tokens tokens = Tokens.fromTestStack();
        admin = tokens.userToken("admin");
        alice = tokens.userToken("alice");
    }

    public static void main(String[] args) throws Exception {
        int teams = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int jobs = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int nodes = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        new AdmissionBenchmark().run(teams, jobs, nodes);
    }

    private void run(int teams, int jobs, int nodeCount) throws Exception {
        String kubeconfig = TestStack.get().value("KUBECONFIG").split(File.pathSeparator)[0];
        String id = UUID.randomUUID().toString().substring(0, 6);
        String gpuType = "BENCH-" + id.toUpperCase();
        String pool = "bench-" + id;
        List<String> slugs = new ArrayList<>();
        Config config = Config.fromKubeconfig(java.nio.file.Files.readString(java.nio.file.Path.of(kubeconfig)));
        // deleting 200 nodes at once takes the API server longer than fabric8's default 10 s here
        config.setRequestTimeout(120_000);
        try (KubernetesClient kubernetes = new KubernetesClientBuilder().withConfig(config).build()) {
            try {
                long start = System.nanoTime();
                List<String> names = SimulatedNodes.create(kubernetes, pool, "gpu", nodeCount,
                        new SimulatedNodes.GpuType(gpuType, "Bench GPU " + id, 16384, "bench", 100), 8);
                for (String name : names) {
                    // jobs tolerate only the GPU taint: the pool's own taint goes, the unique GPU type keeps others off
                    Node node = kubernetes.nodes().withName(name).get();
                    kubernetes.nodes().withName(name).patch(PatchContext.of(PatchType.JSON_MERGE), new NodeBuilder()
                            .withNewSpec().withTaints(node.getSpec().getTaints().stream()
                                    .filter(taint -> !SimulatedNodes.POOL_TAINT.equals(taint.getKey())).toList())
                            .endSpec().build());
                }
                System.out.printf("BENCH nodes=%d gpus_per_node=8 ready_in_s=%.1f%n", nodeCount,
                        (System.nanoTime() - start) / 1e9);
                prepare(gpuType, teams, jobs, id, slugs);
                measure(kubernetes, gpuType, slugs, jobs);
            } finally {
                for (String slug : slugs) {
                    calls.send("DELETE", tenantUrl + "/api/v1/teams/" + slug + "?force=true", admin, null);
                }
                SimulatedNodes.delete(kubernetes, pool);
            }
        }
    }

    private void prepare(String gpuType, int teams, int jobs, String id, List<String> slugs) throws Exception {
        calls.send("POST", tenantUrl + "/api/v1/gpu-types?force=true", admin,
                Map.of("name", gpuType, "displayName", gpuType, "memoryGib", 16));
        if (calls.send("GET", jobsUrl + "/api/v1/images/" + IMAGE, admin, null).statusCode() == 404) {
            calls.send("POST", jobsUrl + "/api/v1/images", admin, Map.of("id", IMAGE,
                    "reference", "registry.invalid/portal-tests/simulated:1", "displayName", "Simulated (tests)",
                    "forNotebooks", true, "forJobs", true, "cuda", true));
        }
        int perTeam = (jobs + teams - 1) / teams;
        for (int i = 0; i < teams; i++) {
            String slug = "bench-" + id + "-" + i;
            BenchHttp.expect(calls.send("POST", tenantUrl + "/api/v1/teams", admin, Map.of("slug", slug,
                    "displayName", "Bench " + i, "owner", "alice")), 201);
            Map<String, Object> quota = new LinkedHashMap<>();
            quota.put("cpu", Integer.toString(perTeam + 4));
            quota.put("memory", (perTeam + 4) + "Gi");
            quota.put("storage", "100Gi");
            quota.put("pvcs", 5);
            quota.put("maxNotebooks", 1);
            quota.put("gpus", Map.of(gpuType, perTeam));
            BenchHttp.expect(calls.send("PUT", tenantUrl + "/api/v1/teams/" + slug + "/quota?force=true", admin, quota), 200);
            slugs.add(slug);
        }
        calls.awaitQueues(jobsUrl, alice, slugs, gpuType, t -> perTeam);
    }

    private void measure(KubernetesClient kubernetes, String gpuType, List<String> slugs, int jobs) throws Exception {
        Map<String, Long> submittedAt = new ConcurrentHashMap<>();
        Map<String, Long> podSeenAt = new ConcurrentHashMap<>();
        Map<String, Long> reservedSeenAt = new ConcurrentHashMap<>();
        Map<String, Instant> reservedAt = new ConcurrentHashMap<>();
        var podWatch = kubernetes.pods().inAnyNamespace().withLabel("portal.ai/workload-kind", "job")
                .watch(new Watcher<Pod>() {
                    @Override
                    public void eventReceived(Action action, Pod pod) {
                        String key = pod.getMetadata().getNamespace() + "/"
                                + pod.getMetadata().getLabels().get("portal.ai/workload");
                        podSeenAt.putIfAbsent(key, System.nanoTime());
                    }

                    @Override
                    public void onClose(WatcherException cause) {
                    }
                });
        var workloadWatch = kubernetes.genericKubernetesResources(WORKLOADS).inAnyNamespace()
                .watch(new Watcher<GenericKubernetesResource>() {
                    @Override
                    public void eventReceived(Action action, GenericKubernetesResource workload) {
                        Instant reserved = quotaReservedAt(workload);
                        if (reserved != null) {
                            String key = workload.getMetadata().getNamespace() + "/" + workload.getMetadata().getName();
                            reservedSeenAt.putIfAbsent(key, System.nanoTime());
                            reservedAt.putIfAbsent(key, reserved);
                        }
                    }

                    @Override
                    public void onClose(WatcherException cause) {
                    }
                });
        List<Double> submitMillis = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        long start = System.nanoTime();
        List<Future<?>> done = new ArrayList<>();
        for (int n = 0; n < jobs; n++) {
            String slug = slugs.get(n % slugs.size());
            String name = "b-" + n;
            done.add(pool.submit(() -> {
                long before = System.nanoTime();
                submittedAt.put("team-" + slug + "/" + name, before);
                HttpResponse<String> created = calls.send("POST", jobsUrl + "/api/v1/teams/" + slug + "/jobs", alice,
                        Map.of("name", name, "image", IMAGE, "command", List.of("python", "train.py"), "cpu", "1",
                                "memory", "1Gi", "gpuType", gpuType, "gpus", 1, "maxRuntimeSeconds", 600,
                                "annotations", Map.of("sim.portal.ai/duration", "600s")));
                BenchHttp.expect(created, 201);
                submitMillis.add((System.nanoTime() - before) / 1e6);
                return null;
            }));
        }
        for (Future<?> future : done) {
            future.get();
        }
        pool.shutdown();
        double submitSeconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("BENCH submitted=%d in_s=%.1f rate_per_s=%.1f submit_ms_p50=%.0f submit_ms_p95=%.0f%n",
                jobs, submitSeconds, jobs / submitSeconds, percentile(submitMillis, 50), percentile(submitMillis, 95));

        long deadline = System.nanoTime() + Duration.ofMinutes(15).toNanos();
        while (podSeenAt.keySet().stream().filter(submittedAt::containsKey).count() < jobs
                && System.nanoTime() < deadline) {
            Thread.sleep(1000);
        }
        podWatch.close();
        workloadWatch.close();
        List<Double> toPod = new ArrayList<>();
        submittedAt.forEach((key, at) -> {
            Long seen = podSeenAt.get(key);
            if (seen != null) {
                toPod.add((seen - at) / 1e6);
            }
        });
        System.out.printf("BENCH pods_created=%d of=%d submit_to_pod_ms_p50=%.0f submit_to_pod_ms_p95=%.0f "
                        + "submit_to_pod_ms_max=%.0f%n", toPod.size(), jobs, percentile(toPod, 50),
                percentile(toPod, 95), percentile(toPod, 100));
        List<Long> seen = reservedSeenAt.entrySet().stream()
                .filter(entry -> slugs.stream().anyMatch(slug -> entry.getKey().startsWith("team-" + slug + "/")))
                .map(Map.Entry::getValue).sorted().toList();
        if (seen.size() > 1) {
            double span = (seen.getLast() - seen.getFirst()) / 1e9;
            System.out.printf("BENCH admitted=%d span_s=%.1f admissions_per_s=%.1f first_admission_after_s=%.1f%n",
                    seen.size(), span, (seen.size() - 1) / span, (seen.getFirst() - start) / 1e9);
        }
        TimeUnit.SECONDS.sleep(1);
    }

    private static Instant quotaReservedAt(GenericKubernetesResource workload) {
        Object status = workload.getAdditionalProperties().get("status");
        if (!(status instanceof Map<?, ?> map) || !(map.get("conditions") instanceof List<?> conditions)) {
            return null;
        }
        for (Object raw : conditions) {
            if (raw instanceof Map<?, ?> condition && "QuotaReserved".equals(condition.get("type"))
                    && "True".equals(condition.get("status"))) {
                return Instant.parse(String.valueOf(condition.get("lastTransitionTime")));
            }
        }
        return null;
    }

    private static double percentile(List<Double> values, int p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
    }

}
