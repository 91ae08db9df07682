package ai.portal.logs.metrics;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import ai.portal.platform.team.TeamNames;
import ai.portal.testing.ServiceProcess;
import ai.portal.testing.TestStack;
import ai.portal.testing.Tokens;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 10's panel-query figures for docs/benchmarks.md (a test-scoped main, not a test; lines {@code BENCH ...}).
 * Run by {@code infra/monitoring/bench.sh} once its Prometheus holds 6 h of the 200-node fleet's history.
 *
 * <p>It starts this module's boot jar as a real process ({@link ServiceProcess}: the stack's Keycloak and
 * tenant-service for tokens and team membership) pointed at the benchmark's Prometheus and cluster, then asks the
 * GPU metrics API for a 6-hour chart as the UI's GPU panels do ({@code points=120}, the panel's four signals): one
 * workload as a member of its team, the team as that member, the fleet as a platform admin. Each call is paired with
 * the baseline: the very PromQL range queries that call sends ({@link GpuQueries}, on the grid the API answered
 * with), posted straight to Prometheus as the service posts them (form body, the service's timeout, 4 at a time).
 * The two alternate, so both see the same load; the difference is what the product's layer costs (token check,
 * membership, informer lookup, JSON on both sides).
 *
 * <pre>
 * java -cp ... ai.portal.logs.metrics.GpuMetricsBenchmark PROMETHEUS_URL KUBECONFIG TEAM WORKLOAD [RUNS]
 * </pre>
 */
public final class GpuMetricsBenchmark {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String RANGE = "6h";
    /** What the UI's GPU panels ask (portal-ui GpuPanels.POINTS, MetricsApi.PANEL_SIGNALS). */
    private static final int POINTS = 120;
    private static final List<GpuSignal> PANEL = List.of(GpuSignal.UTILIZATION, GpuSignal.MEMORY_USED,
            GpuSignal.POWER, GpuSignal.TEMPERATURE);
    /** The service's own default (portal.metrics.timeout), sent with every query as the service sends it. */
    private static final String TIMEOUT = "10s";

    private final HttpClient http = TestStack.httpClient();
    private final String prometheus;

    private GpuMetricsBenchmark(String prometheus) {
        this.prometheus = prometheus;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: GpuMetricsBenchmark PROMETHEUS_URL KUBECONFIG TEAM WORKLOAD [RUNS]");
            System.exit(2);
        }
        int runs = args.length > 4 ? Integer.parseInt(args[4]) : 30;
        new GpuMetricsBenchmark(args[0]).run(args[1], args[2], args[3], runs);
        System.exit(0);
    }

    private void run(String kubeconfig, String team, String workload, int runs) throws Exception {
        Tokens tokens = Tokens.fromTestStack();
        String memberName = System.getenv().getOrDefault("BENCH_MEMBER", "alice");
        Supplier<String> member = () -> tokens.userToken(memberName);
        Supplier<String> admin = () -> tokens.userToken("admin");
        Path state = Files.createTempDirectory("gpu-bench-logs");
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("PROMETHEUS_URL", prometheus);
        environment.put("KUBECONFIG", kubeconfig);
        // the installation whose pods the service reads (portal.ai/instance on the benchmark's pods)
        environment.put("PORTAL_INSTANCE_ID", System.getenv().getOrDefault("BENCH_INSTANCE", "gpu-bench"));
        // only the metrics API is measured: no log collection on the benchmark's cluster
        environment.put("PORTAL_LOG_COLLECTOR_ENABLED", "false");
        environment.put("PORTAL_LOG_DIR", state.resolve("containers").toString());
        environment.put("PORTAL_LOG_STATE_DIR", state.resolve("state").toString());
        long startedAt = System.nanoTime();
        ServiceProcess service = ServiceProcess.start("logging-pipeline", environment);
        try {
            System.out.printf("BENCH api.service_start_s=%.1f log=%s%n", (System.nanoTime() - startedAt) / 1e9,
                    service.log());
            String base = service.baseUrl() + "/api/v1";
            String chart = "?range=" + RANGE + "&points=" + POINTS + "&signals="
                    + PANEL.stream().map(s -> s.wireName).collect(Collectors.joining(","));
            String namespace = TeamNames.namespace(team);
            String workloadUrl = base + "/teams/" + team + "/workloads/" + workload + "/gpu-metrics" + chart;
            JsonNode first = awaitPods(workloadUrl, member.get());
            List<String> pods = new ArrayList<>();
            first.path("pods").forEach(pod -> pods.add(pod.asString()));
            measure("workload", workloadUrl, member, new GpuScope.Workload(namespace, workload, pods), runs);
            measure("team", base + "/teams/" + team + "/gpu-metrics" + chart, member, new GpuScope.Team(namespace),
                    runs);
            measure("fleet", base + "/gpu-metrics/fleet" + chart, admin, new GpuScope.Fleet(), runs);
        } finally {
            service.kill();
        }
    }

    /** The workload's pods come from the service's informer: wait until it has listed them. */
    private JsonNode awaitPods(String url, String token) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        while (true) {
            HttpResponse<String> answer = get(url, token);
            if (answer.statusCode() == 200) {
                JsonNode page = JSON.readTree(answer.body());
                if (!page.path("pods").isEmpty()) {
                    return page;
                }
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("the workload's chart never listed its pods: " + answer.statusCode()
                        + " " + answer.body());
            }
            Thread.sleep(1000);
        }
    }

    private void measure(String scope, String url, Supplier<String> signIn, GpuScope gpuScope, int runs)
            throws Exception {
        // a fresh token per scope: Keycloak's access tokens live 5 minutes, a scope's runs take less
        String token = signIn.get();
        GpuQueries queries = new GpuQueries(true);
        List<Double> api = new ArrayList<>();
        List<Double> direct = new ArrayList<>();
        JsonNode page = JSON.readTree(call(scope, url, token).body());
        HttpResponse<String> answer = null;
        Timed<Long> baseline = null;
        // two warm-up rounds of each (JIT, connections, Prometheus' page cache), then the measured ones; the order
        // alternates so that neither side always runs right after the other
        for (int i = -2; i < runs; i++) {
            double apiMillis;
            if (i % 2 == 0) {
                long before = System.nanoTime();
                answer = call(scope, url, token);
                apiMillis = (System.nanoTime() - before) / 1e6;
                page = JSON.readTree(answer.body());
                baseline = straight(gpuScope, page, queries);
            } else {
                baseline = straight(gpuScope, page, queries);
                long before = System.nanoTime();
                answer = call(scope, url, token);
                apiMillis = (System.nanoTime() - before) / 1e6;
                page = JSON.readTree(answer.body());
            }
            if (i >= 0) {
                api.add(apiMillis);
                direct.add(baseline.millis());
            }
        }
        int series = 0;
        for (JsonNode signal : page.path("signals")) {
            series += signal.path("series").size();
        }
        System.out.printf("BENCH query.%s range=%s step_s=%d points=%d signals=%d series=%d runs=%d "
                        + "api_ms p50=%.1f p95=%.1f max=%.1f bytes=%d | prometheus_ms p50=%.1f p95=%.1f max=%.1f "
                        + "bytes=%d | overhead_p50_ms=%.1f overhead_p95_ms=%.1f%n",
                scope, RANGE, page.path("stepSeconds").asLong(), page.path("points").asInt(), PANEL.size(), series,
                runs, percentile(api, 50), percentile(api, 95), percentile(api, 100), answer.body().length(),
                percentile(direct, 50), percentile(direct, 95), percentile(direct, 100), baseline.value(),
                percentile(api, 50) - percentile(direct, 50), percentile(api, 95) - percentile(direct, 95));
    }

    private HttpResponse<String> call(String scope, String url, String token) throws Exception {
        HttpResponse<String> answer = get(url, token);
        if (answer.statusCode() != 200) {
            throw new IllegalStateException(scope + ": " + answer.statusCode() + " " + answer.body());
        }
        return answer;
    }

    private record Timed<T>(double millis, T value) {
    }

    /**
     * The call's queries straight to Prometheus: the same PromQL on the grid the API answered with, 4 at a time
     * (the service's concurrency per chart). The value is the bytes Prometheus returned.
     */
    private Timed<Long> straight(GpuScope scope, JsonNode page, GpuQueries queries) {
        Instant start = Instant.parse(page.path("start").asString());
        Instant end = Instant.parse(page.path("end").asString());
        Duration step = Duration.ofSeconds(page.path("stepSeconds").asLong());
        long before = System.nanoTime();
        List<CompletableFuture<HttpResponse<String>>> calls = PANEL.stream()
                .map(signal -> http.sendAsync(HttpRequest.newBuilder(URI.create(prometheus + "/api/v1/query_range"))
                                .timeout(Duration.ofSeconds(30))
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .POST(HttpRequest.BodyPublishers.ofString(form(Map.of(
                                        "query", queries.range(scope, signal, step),
                                        "start", Long.toString(start.getEpochSecond()),
                                        "end", Long.toString(end.getEpochSecond()),
                                        "step", step.toSeconds() + "s",
                                        "timeout", TIMEOUT))))
                                .build(),
                        HttpResponse.BodyHandlers.ofString()))
                .toList();
        long bytes = 0;
        for (CompletableFuture<HttpResponse<String>> call : calls) {
            HttpResponse<String> answer = call.join();
            if (answer.statusCode() != 200) {
                throw new IllegalStateException("Prometheus answered " + answer.statusCode() + ": " + answer.body());
            }
            bytes += answer.body().length();
        }
        return new Timed<>((System.nanoTime() - before) / 1e6, bytes);
    }

    private static String form(Map<String, String> fields) {
        return fields.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private HttpResponse<String> get(String url, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
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
