package ai.portal.jobs.bench;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import ai.portal.testing.TestStack;
import ai.portal.testing.Tokens;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 15's serving figures for docs/benchmarks.md (a test-scoped main, not a test; lines {@code BENCH ...}) against a
 * running {@code ./portal up}. It switches the team's experiment tracking on and, when the registry has no model
 * {@code BENCH_MODEL}, registers one with a training job from examples/ ({@code train_mlflow.py}); then:
 * <ol>
 *   <li>deploy → serving: the model deployed {@code rounds} times with one replica through the API as a member
 *       (deleted in between), from the call until the status says {@code serving} (the real {@code mlflow models
 *       serve} downloading the model from the team's registry and answering {@code /ping});</li>
 *   <li>inference latency: {@code requests} sequential {@code POST …/invocations} through the gateway with a
 *       member's bearer token, as many with the deployment's API key, and as many straight to the pod's IP
 *       (interleaved), p50/p95 of each and their ratios, in one run; the deployment's rate limit is set to the most
 *       allowed so no call is refused, but every call still takes from its bucket;</li>
 *   <li>the rate limiter alone: ns per {@code take} of the gateway's {@code ModelRateLimiter} in this JVM (1 million
 *       takes over 1,000 callers);</li>
 *   <li>throughput: requests/s one replica answers with 4 concurrent clients for 10 s, through the gateway and
 *       direct.</li>
 * </ol>
 * The payload is one row of {@code BENCH_FEATURES} zeros (20: the example's model).
 *
 * <p>With {@code autoscale} as first argument (issue 16), instead: the model deployed autoscaling 1..2 on
 * {@code BENCH_RPS_TARGET} (2) requests per second per replica with a 15 s scale-down window; per trial a load step
 * of {@code BENCH_RPS} (6) requests/s through the gateway with an API key, and from its first request: the
 * gateway's rate visible above the target in the HPA's status (gateway → Prometheus scrape → the adapter's 1-minute
 * rate → the HPA controller's read), the controller's decision (desired 2), the second replica Ready (a real
 * {@code mlflow models serve} started and its model loaded); then the load stops and the time until it is back at
 * one replica.
 *
 * <pre>
 * BENCH_TEAM=demo BENCH_OWNER=carol BENCH_USER=alice BENCH_MODEL=demo-model BENCH_VERSION=1 java -cp \
 *     "target/test-classes:target/classes:$(cat target/test-classpath.txt)" ai.portal.jobs.bench.ServingBenchmark 3 500
 * ... ai.portal.jobs.bench.ServingBenchmark autoscale 3
 * </pre>
 */
public final class ServingBenchmark {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String TEAM = System.getenv().getOrDefault("BENCH_TEAM", "demo");
    private static final String USER = System.getenv().getOrDefault("BENCH_USER", "alice");
    /** The team owner who switches tracking on (the demo team of ./portal up: carol). */
    private static final String OWNER = System.getenv().getOrDefault("BENCH_OWNER", "carol");
    private static final String MODEL = System.getenv().getOrDefault("BENCH_MODEL", "demo-model");
    private static final String VERSION = System.getenv().getOrDefault("BENCH_VERSION", "1");
    private static final int FEATURES = Integer.parseInt(System.getenv().getOrDefault("BENCH_FEATURES", "20"));
    private static final String NAME = "bench";

    private final Tokens tokens = Tokens.fromTestStack();
    private final HttpClient http = TestStack.httpClient();
    private final BenchHttp calls = new BenchHttp(http);
    private final String jobsUrl = TestStack.get().value("PORTAL_JOBS_URL");
    private final String payload;

    ServingBenchmark() {
        this.payload = JSON.writeValueAsString(Map.of("inputs", List.of(Collections.nCopies(FEATURES, 0.0))));
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && "autoscale".equals(args[0])) {
            new ServingBenchmark().autoscale(args.length > 1 ? Integer.parseInt(args[1]) : 3);
        } else {
            new ServingBenchmark().run(args.length > 0 ? Integer.parseInt(args[0]) : 3,
                    args.length > 1 ? Integer.parseInt(args[1]) : 500);
        }
        System.exit(0);
    }

    /** Load step → the HPA's reading, its decision, the new replica Ready; load gone → back to one replica. */
    private void autoscale(int trials) throws Exception {
        prepare();
        double target = Double.parseDouble(System.getenv().getOrDefault("BENCH_RPS_TARGET", "2"));
        int rate = Integer.parseInt(System.getenv().getOrDefault("BENCH_RPS", "6"));
        String deployments = jobsUrl + "/api/v1/teams/" + TEAM + "/model-deployments";
        String url = deployments + "/" + NAME;
        BenchHttp.expect(calls.send("DELETE", url, tokens.userToken(USER), null), 204, 404);
        awaitGone(url);
        BenchHttp.expect(calls.send("POST", deployments, tokens.userToken(USER), Map.of("name", NAME, "model",
                MODEL, "version", VERSION, "rateLimit", 1000, "autoscaling", Map.of("minReplicas", 1,
                        "maxReplicas", 2, "requestsPerSecond", target, "scaleDownStabilizationSeconds", 15))), 201);
        if (!awaitServing(url)) {
            throw new IllegalStateException("the deployment did not serve within 300 s");
        }
        HttpResponse<String> created = calls.send("POST", url + "/keys", tokens.userToken(USER),
                Map.of("name", "bench-hpa"));
        BenchHttp.expect(created, 201);
        String key = JSON.readTree(created.body()).path("key").asString();
        String gateway = jobsUrl + "/models/" + TEAM + "/" + NAME + "/invocations";
        // a few requests so that the series exists, then wait until the HPA reads it (and the load has gone)
        for (int i = 0; i < 5; i++) {
            invoke(gateway, key);
        }
        await("the HPA reading the gateway's rate", 300, () -> reading(url) != null);
        System.out.printf(Locale.ROOT, "BENCH autoscale trials=%d load=%d req/s target=%.1f req/s per replica "
                + "(1..2 replicas, scale-down window 15 s) machine_load=%s%n", trials, rate, target,
                BenchHttp.loadAverage());
        List<Double> seen = new ArrayList<>();
        List<Double> decided = new ArrayList<>();
        List<Double> ready = new ArrayList<>();
        List<Double> back = new ArrayList<>();
        for (int trial = 1; trial <= trials; trial++) {
            await("one replica, the load gone", 600, () -> {
                JsonNode found = deployment(url);
                return found.path("autoscalingStatus").path("desiredReplicas").asInt() == 1
                        && found.path("status").path("readyReplicas").asInt() == 1
                        && reading(found) != null && reading(found) < target;
            });
            AtomicLong answered = new AtomicLong();
            java.util.concurrent.atomic.AtomicBoolean loading = new java.util.concurrent.atomic.AtomicBoolean(true);
            java.util.concurrent.ScheduledExecutorService pacer = java.util.concurrent.Executors
                    .newScheduledThreadPool(8);
            long start = System.nanoTime();
            pacer.scheduleAtFixedRate(() -> {
                if (loading.get()) {
                    try {
                        invoke(gateway, key);
                        answered.incrementAndGet();
                    } catch (Exception refused) {
                        // counted as not answered; the step goes on
                    }
                }
            }, 0, 1_000_000 / rate, TimeUnit.MICROSECONDS);
            double visible = Double.NaN;
            double decision = Double.NaN;
            double secondReady = Double.NaN;
            try {
                long deadline = start + TimeUnit.MINUTES.toNanos(5);
                while (System.nanoTime() < deadline && Double.isNaN(secondReady)) {
                    JsonNode found = deployment(url);
                    double now = (System.nanoTime() - start) / 1e9;
                    Double current = reading(found);
                    if (Double.isNaN(visible) && current != null && current > target) {
                        visible = now;
                    }
                    if (Double.isNaN(decision) && found.path("autoscalingStatus").path("desiredReplicas").asInt() == 2) {
                        decision = now;
                    }
                    if (found.path("status").path("readyReplicas").asInt() == 2) {
                        secondReady = now;
                    }
                    Thread.sleep(250);
                }
            } finally {
                loading.set(false);
                pacer.shutdownNow();
            }
            long stopped = System.nanoTime();
            await("back to one replica", 600, () -> deployment(url).path("autoscalingStatus")
                    .path("desiredReplicas").asInt() == 1);
            double scaledIn = (System.nanoTime() - stopped) / 1e9;
            System.out.printf(Locale.ROOT, "BENCH autoscale trial=%d | rate above target in the HPA %.1f s | "
                            + "HPA decides 2 replicas %.1f s | second replica Ready %.1f s | after the load: "
                            + "back to 1 in %.1f s | answered %d | load=%s%n", trial, visible, decision, secondReady,
                    scaledIn, answered.get(), BenchHttp.loadAverage());
            seen.add(visible);
            decided.add(decision);
            ready.add(secondReady);
            back.add(scaledIn);
        }
        System.out.printf(Locale.ROOT, "BENCH autoscale_summary trials=%d | visible p50=%.1f s | decision p50=%.1f s "
                        + "p95=%.1f s | replica Ready p50=%.1f s p95=%.1f s | scale-in p50=%.1f s%n", trials,
                BenchHttp.percentile(seen, 50), BenchHttp.percentile(decided, 50), BenchHttp.percentile(decided, 95),
                BenchHttp.percentile(ready, 50), BenchHttp.percentile(ready, 95), BenchHttp.percentile(back, 50));
        BenchHttp.expect(calls.send("DELETE", url, tokens.userToken(USER), null), 204);
    }

    JsonNode deployment(String url) throws Exception {
        HttpResponse<String> found = calls.send("GET", url, tokens.userToken(USER), null);
        BenchHttp.expect(found, 200);
        return JSON.readTree(found.body());
    }

    /** The requests per second per replica the HPA last read (null: none yet). */
    private Double reading(String url) throws Exception {
        return reading(deployment(url));
    }

    static Double reading(JsonNode deployment) {
        JsonNode current = deployment.path("autoscalingStatus").path("metrics").path(0).path("current");
        return current.isNumber() ? current.asDouble() : null;
    }

    /** Tracking on and the model registered, by a training job from examples/ when the registry lacks it. */
    void prepare() throws Exception {
        String tracking = jobsUrl + "/api/v1/teams/" + TEAM + "/tracking";
        BenchHttp.expect(calls.send("PUT", tracking, tokens.userToken(OWNER), null), 200);
        await("tracking ready", 300, () -> "ready".equals(JSON.readTree(calls.send("GET", tracking,
                tokens.userToken(USER), null).body()).path("state").asString()));
        HttpResponse<String> models = calls.send("GET", jobsUrl + "/api/v1/teams/" + TEAM + "/models",
                tokens.userToken(USER), null);
        BenchHttp.expect(models, 200);
        if (JSON.readTree(models.body()).findValuesAsString("name").contains(MODEL)) {
            return;
        }
        String job = "bench-train-" + Long.toString(System.currentTimeMillis() % 100000, 36);
        BenchHttp.expect(calls.send("POST", jobsUrl + "/api/v1/teams/" + TEAM + "/jobs", tokens.userToken(USER),
                Map.of("name", job, "image", "scipy", "cpu", "1", "memory", "2Gi", "maxRuntimeSeconds", 600,
                        "command", List.of("python", "/opt/examples/train_mlflow.py", "--experiment", "bench",
                                "--model", MODEL, "--epochs", "3"))), 201);
        await("training job " + job + " succeeded", 600, () -> {
            String phase = JSON.readTree(calls.send("GET", jobsUrl + "/api/v1/teams/" + TEAM + "/workloads/" + job,
                    tokens.userToken(USER), null).body()).path("workload").path("status").path("phase").asString();
            if ("Failed".equals(phase)) {
                throw new IllegalStateException("training job " + job + " failed");
            }
            return "Succeeded".equals(phase);
        });
    }

    private interface Check {
        boolean done() throws Exception;
    }

    private static void await(String what, int seconds, Check check) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (check.done()) {
                return;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("waited " + seconds + " s for " + what);
    }

    private void run(int rounds, int requests) throws Exception {
        prepare();
        String deployments = jobsUrl + "/api/v1/teams/" + TEAM + "/model-deployments";
        List<Double> deploys = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            BenchHttp.expect(calls.send("DELETE", deployments + "/" + NAME, tokens.userToken(USER), null), 204, 404);
            awaitGone(deployments + "/" + NAME);
            long start = System.nanoTime();
            BenchHttp.expect(calls.send("POST", deployments, tokens.userToken(USER), Map.of("name", NAME, "model",
                    MODEL, "version", VERSION, "replicas", 1, "rateLimit", 1000)), 201);
            double serving = awaitServing(deployments + "/" + NAME) ? (System.nanoTime() - start) / 1e9 : Double.NaN;
            System.out.printf(Locale.ROOT, "BENCH serving round=%d deploy_to_serving_s=%.1f load=%s%n", round,
                    serving, BenchHttp.loadAverage());
            deploys.add(serving);
        }
        String gateway = jobsUrl + "/models/" + TEAM + "/" + NAME + "/invocations";
        String direct = "http://" + podIp() + ":" + ai.portal.jobs.serving.ServingResources.PORT + "/invocations";
        String token = tokens.userToken(USER);
        HttpResponse<String> created = calls.send("POST", deployments + "/" + NAME + "/keys", token,
                Map.of("name", "bench"));
        BenchHttp.expect(created, 201);
        String key = JSON.readTree(created.body()).path("key").asString();
        List<Double> viaGateway = new ArrayList<>();
        List<Double> withKey = new ArrayList<>();
        List<Double> straight = new ArrayList<>();
        for (int i = 0; i < 20; i++) { // warm every path (connections, the JIT)
            invoke(gateway, token);
            invoke(gateway, key);
            invoke(direct, null);
        }
        for (int i = 0; i < requests; i++) { // interleaved: all see the same moments of the machine's load
            viaGateway.add(invoke(gateway, token));
            withKey.add(invoke(gateway, key));
            straight.add(invoke(direct, null));
        }
        System.out.printf(Locale.ROOT, "BENCH serving_latency_key requests=%d | gateway+key p50=%.1f ms p95=%.1f ms | "
                        + "gateway+token p50=%.1f ms | direct p50=%.1f ms | key-token p50=%+.1f ms | load=%s%n",
                requests, BenchHttp.percentile(withKey, 50), BenchHttp.percentile(withKey, 95),
                BenchHttp.percentile(viaGateway, 50), BenchHttp.percentile(straight, 50),
                BenchHttp.percentile(withKey, 50) - BenchHttp.percentile(viaGateway, 50), BenchHttp.loadAverage());
        System.out.printf(Locale.ROOT, "BENCH rate_limiter take=%.0f ns (1e6 takes, 1000 callers, one thread)%n",
                ai.portal.jobs.proxy.ModelRateLimiterBench.nanosPerTake(1_000_000, 1000));
        double gatewayP50 = BenchHttp.percentile(viaGateway, 50);
        double directP50 = BenchHttp.percentile(straight, 50);
        System.out.printf(Locale.ROOT, "BENCH serving_latency requests=%d | gateway p50=%.1f ms p95=%.1f ms | direct "
                        + "p50=%.1f ms p95=%.1f ms | ratio p50=%.2f p95=%.2f | load=%s%n", requests, gatewayP50,
                BenchHttp.percentile(viaGateway, 95), directP50, BenchHttp.percentile(straight, 95),
                gatewayP50 / directP50, BenchHttp.percentile(viaGateway, 95) / BenchHttp.percentile(straight, 95),
                BenchHttp.loadAverage());
        System.out.printf(Locale.ROOT, "BENCH serving_throughput clients=4 seconds=10 | gateway %.1f req/s | direct "
                + "%.1f req/s | gateway+key %.1f req/s | load=%s%n", throughput(gateway, token),
                throughput(direct, null), throughput(gateway, key), BenchHttp.loadAverage());
        System.out.printf(Locale.ROOT, "BENCH serving_deploy rounds=%d | deploy->serving p50=%.1f s p95=%.1f s%n",
                rounds, BenchHttp.percentile(deploys, 50), BenchHttp.percentile(deploys, 95));
        BenchHttp.expect(calls.send("DELETE", deployments + "/" + NAME, tokens.userToken(USER), null), 204);
    }

    /** One scoring call; its time in milliseconds. */
    double invoke(String url, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(payload));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        long start = System.nanoTime();
        HttpResponse<String> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        double millis = (System.nanoTime() - start) / 1e6;
        BenchHttp.expect(answer, 200);
        return millis;
    }

    private double throughput(String url, String token) throws Exception {
        AtomicLong done = new AtomicLong();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            clients.add(Thread.ofPlatform().start(() -> {
                try {
                    while (System.nanoTime() < end) {
                        invoke(url, token);
                        done.incrementAndGet();
                    }
                } catch (Exception failure) {
                    throw new IllegalStateException(failure);
                }
            }));
        }
        for (Thread client : clients) {
            client.join();
        }
        return done.get() / 10.0;
    }

    /** The IP of the deployment's Ready pod, as the gateway finds it (the pod informer there, one read here). */
    private static String podIp() throws Exception {
        String kubeconfig = TestStack.get().value("KUBECONFIG").split(File.pathSeparator)[0];
        Config config = Config.fromKubeconfig(java.nio.file.Files.readString(java.nio.file.Path.of(kubeconfig)));
        try (KubernetesClient kubernetes = new KubernetesClientBuilder().withConfig(config).build()) {
            return kubernetes.pods().inNamespace("team-" + TEAM).withLabel("portal.ai/model-deployment", NAME).list()
                    .getItems().stream().filter(pod -> pod.getStatus() != null && pod.getStatus().getPodIP() != null
                            && pod.getMetadata().getDeletionTimestamp() == null)
                    .map(Pod::getStatus).map(status -> status.getPodIP()).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no pod of " + NAME + " with an IP"));
        }
    }

    boolean awaitServing(String url) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        while (System.nanoTime() < deadline) {
            HttpResponse<String> found = calls.send("GET", url, tokens.userToken(USER), null);
            if (found.statusCode() == 200) {
                JsonNode status = JSON.readTree(found.body()).path("status");
                if (status.path("readyReplicas").asInt() >= 1) {
                    return true;
                }
                if ("failing".equals(status.path("state").asString())) {
                    throw new IllegalStateException("the deployment fails: " + found.body());
                }
            }
            Thread.sleep(250);
        }
        return false;
    }

    void awaitGone(String url) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline && calls.send("GET", url, tokens.userToken(USER), null).statusCode() != 404) {
            Thread.sleep(250);
        }
    }
}
