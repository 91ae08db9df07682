package ai.portal.jobs.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import ai.portal.testing.TestStack;
import ai.portal.testing.Tokens;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 16's "scaling decisions against the load curve over a 10-minute replayed trace" for docs/benchmarks.md (a
 * test-scoped main, lines {@code BENCH ...}), against a running {@code ./portal up} with the team's model registered
 * (as {@link ServingBenchmark} prepares it). The model is deployed autoscaling {@code 1..BENCH_MAX_REPLICAS} (4) on
 * {@code BENCH_RPS_TARGET} (2) requests per second per replica with a {@code BENCH_SCALE_DOWN_S} (60 s) scale-down
 * window; then the trace ({@code bench/hpa-trace.csv}, or the file {@code BENCH_TRACE}: second,requests/s, linear
 * between points) is replayed through the gateway with an API key, paced every 50 ms, and every 5 s the
 * deployment's autoscaling status is sampled. Printed: one line per sample (offered and answered load, the HPA's
 * reading, desired and Ready replicas, the replicas the load needs), every decision of the HPA controller with the
 * load at that moment, and a summary: the lag from the load needing more replicas to their being Ready, the
 * replica-seconds provided against needed, the seconds under- and over-provisioned, and the calls refused.
 *
 * <pre>
 * BENCH_TEAM=demo BENCH_OWNER=carol BENCH_USER=alice BENCH_MODEL=demo-model java -cp \
 *     "target/test-classes:target/classes:$(cat target/test-classpath.txt)" ai.portal.jobs.bench.HpaTraceBenchmark
 * </pre>
 */
public final class HpaTraceBenchmark {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String TEAM = System.getenv().getOrDefault("BENCH_TEAM", "demo");
    private static final String USER = System.getenv().getOrDefault("BENCH_USER", "alice");
    private static final String MODEL = System.getenv().getOrDefault("BENCH_MODEL", "demo-model");
    private static final String VERSION = System.getenv().getOrDefault("BENCH_VERSION", "1");
    private static final String NAME = "bench-trace";
    private static final int SAMPLE_SECONDS = 5;

    /** A point of the load curve. */
    record Point(double second, double rate) {
    }

    /** One look at the deployment: what was offered and answered, what the HPA read and wanted, what was Ready. */
    record Sample(double second, double offered, double answered, Double reading, int desired, int ready,
                  int needed) {
    }

    public static void main(String[] args) throws Exception {
        List<Point> trace = trace();
        double target = Double.parseDouble(System.getenv().getOrDefault("BENCH_RPS_TARGET", "2"));
        int max = Integer.parseInt(System.getenv().getOrDefault("BENCH_MAX_REPLICAS", "4"));
        int window = Integer.parseInt(System.getenv().getOrDefault("BENCH_SCALE_DOWN_S", "60"));
        ServingBenchmark serving = new ServingBenchmark();
        Tokens tokens = Tokens.fromTestStack();
        BenchHttp calls = new BenchHttp(TestStack.httpClient());
        String jobsUrl = TestStack.get().value("PORTAL_JOBS_URL");
        String deployments = jobsUrl + "/api/v1/teams/" + TEAM + "/model-deployments";
        String url = deployments + "/" + NAME;

        serving.prepare();
        BenchHttp.expect(calls.send("DELETE", url, tokens.userToken(USER), null), 204, 404);
        serving.awaitGone(url);
        BenchHttp.expect(calls.send("POST", deployments, tokens.userToken(USER), Map.of("name", NAME, "model", MODEL,
                "version", VERSION, "rateLimit", 1000, "autoscaling", Map.of("minReplicas", 1, "maxReplicas", max,
                        "requestsPerSecond", target, "scaleDownStabilizationSeconds", window))), 201);
        if (!serving.awaitServing(url)) {
            throw new IllegalStateException("the deployment did not serve within 300 s");
        }
        var created = calls.send("POST", url + "/keys", tokens.userToken(USER), Map.of("name", "bench-trace"));
        BenchHttp.expect(created, 201);
        String key = JSON.readTree(created.body()).path("key").asString();
        String gateway = jobsUrl + "/models/" + TEAM + "/" + NAME + "/invocations";
        for (int i = 0; i < 5; i++) {
            serving.invoke(gateway, key);
        }
        long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        while (ServingBenchmark.reading(serving.deployment(url)) == null) {
            if (System.nanoTime() > waitUntil) {
                throw new IllegalStateException("the HPA read no request rate within 300 s");
            }
            Thread.sleep(1000);
        }
        double length = trace.getLast().second();
        System.out.printf(Locale.ROOT, "BENCH hpa_trace seconds=%.0f points=%d target=%.1f req/s per replica "
                        + "replicas=1..%d scale_down_window=%d s sample=%d s machine_load=%s%n", length, trace.size(),
                target, max, window, SAMPLE_SECONDS, BenchHttp.loadAverage());

        AtomicLong answered = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        List<Double> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService callers = Executors.newFixedThreadPool(32);
        ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
        long start = System.nanoTime();
        double[] credit = {0};
        pacer.scheduleAtFixedRate(() -> {
            credit[0] += rate(trace, (System.nanoTime() - start) / 1e9) * 0.05;
            for (; credit[0] >= 1; credit[0]--) {
                callers.execute(() -> {
                    try {
                        latencies.add(serving.invoke(gateway, key));
                        answered.incrementAndGet();
                    } catch (Exception | AssertionError failed) {
                        refused.incrementAndGet();
                    }
                });
            }
        }, 0, 50, TimeUnit.MILLISECONDS);

        List<Sample> samples = new ArrayList<>();
        List<String> decisions = new ArrayList<>();
        int lastDesired = 1;
        long lastAnswered = 0;
        try {
            for (int tick = 1; tick * SAMPLE_SECONDS <= length; tick++) {
                long due = start + TimeUnit.SECONDS.toNanos((long) tick * SAMPLE_SECONDS);
                TimeUnit.NANOSECONDS.sleep(Math.max(0, due - System.nanoTime()));
                double now = (System.nanoTime() - start) / 1e9;
                JsonNode found = serving.deployment(url);
                long total = answered.get();
                double offered = rate(trace, now);
                int desired = found.path("autoscalingStatus").path("desiredReplicas").asInt();
                Sample sample = new Sample(now, offered, (total - lastAnswered) / (double) SAMPLE_SECONDS,
                        ServingBenchmark.reading(found), desired, found.path("status").path("readyReplicas").asInt(),
                        needed(offered, target, max));
                lastAnswered = total;
                samples.add(sample);
                System.out.printf(Locale.ROOT, "BENCH hpa_trace.sample t=%.0f offered=%.1f answered=%.1f "
                                + "reading=%s desired=%d ready=%d needed=%d%n", sample.second(), sample.offered(),
                        sample.answered(), sample.reading() == null ? "-" : String.format(Locale.ROOT, "%.2f",
                                sample.reading()), sample.desired(), sample.ready(), sample.needed());
                if (desired != lastDesired) {
                    decisions.add(String.format(Locale.ROOT, "t=%.0f %d->%d offered=%.1f reading=%s", now,
                            lastDesired, desired, offered, sample.reading() == null ? "-"
                                    : String.format(Locale.ROOT, "%.2f", sample.reading())));
                    lastDesired = desired;
                }
            }
        } finally {
            pacer.shutdownNow();
            callers.shutdown();
            callers.awaitTermination(30, TimeUnit.SECONDS);
        }
        decisions.forEach(decision -> System.out.println("BENCH hpa_trace.decision " + decision));
        summarise(samples, decisions.size(), answered.get(), refused.get(), latencies);
        BenchHttp.expect(calls.send("DELETE", url, tokens.userToken(USER), null), 204);
        System.exit(0);
    }

    /**
     * Lag: for every sample where the load needs more replicas than the previous sample's need, the time until as
     * many are Ready (or the need has fallen back). Replica-seconds Ready against needed, and how long fewer or more
     * than needed were Ready.
     */
    static void summarise(List<Sample> samples, int decisions, long answered, long refused, List<Double> latencies) {
        List<Double> lags = new ArrayList<>();
        int unmet = 0;
        for (int i = 1; i < samples.size(); i++) {
            Sample rise = samples.get(i);
            if (rise.needed() <= samples.get(i - 1).needed()) {
                continue;
            }
            Double lag = null;
            for (int j = i; j < samples.size() && lag == null; j++) {
                Sample later = samples.get(j);
                if (later.ready() >= rise.needed() || later.needed() < rise.needed()) {
                    lag = later.second() - rise.second();
                }
            }
            if (lag == null) {
                unmet++;
            } else {
                lags.add(lag);
            }
        }
        double ready = 0;
        double needed = 0;
        double under = 0;
        double over = 0;
        for (Sample sample : samples) {
            ready += sample.ready() * SAMPLE_SECONDS;
            needed += sample.needed() * SAMPLE_SECONDS;
            under += sample.ready() < sample.needed() ? SAMPLE_SECONDS : 0;
            over += sample.ready() > sample.needed() ? SAMPLE_SECONDS : 0;
        }
        System.out.printf(Locale.ROOT, "BENCH hpa_trace_summary decisions=%d | need rose %d times: Ready after p50=%.0f s "
                        + "max=%.0f s (never: %d) | replica-seconds Ready %.0f against needed %.0f (%.2f) | "
                        + "under-provisioned %.0f s, over %.0f s of %d s | answered %d, refused or failed %d | "
                        + "latency p50=%.1f ms p95=%.1f ms | machine_load=%s%n", decisions, lags.size() + unmet,
                lags.isEmpty() ? Double.NaN : BenchHttp.percentile(lags, 50),
                lags.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN), unmet, ready, needed,
                ready / needed, under, over, samples.size() * SAMPLE_SECONDS, answered, refused,
                BenchHttp.percentile(latencies, 50), BenchHttp.percentile(latencies, 95), BenchHttp.loadAverage());
    }

    /** The replicas a load needs at the target, within the deployment's bounds. */
    static int needed(double offered, double target, int max) {
        return Math.clamp((int) Math.ceil(offered / target - 1e-9), 1, max);
    }

    /** The load of the curve at {@code second}: linear between its points, its last value after the end. */
    static double rate(List<Point> trace, double second) {
        for (int i = 1; i < trace.size(); i++) {
            Point from = trace.get(i - 1);
            Point to = trace.get(i);
            if (second <= to.second()) {
                double span = to.second() - from.second();
                return span <= 0 ? to.rate() : from.rate() + (to.rate() - from.rate()) * (second - from.second()) / span;
            }
        }
        return trace.getLast().rate();
    }

    static List<Point> trace() throws IOException {
        String file = System.getenv("BENCH_TRACE");
        String text;
        if (file != null && !file.isBlank()) {
            text = Files.readString(Path.of(file));
        } else {
            try (InputStream in = HpaTraceBenchmark.class.getResourceAsStream("/bench/hpa-trace.csv")) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
        List<Point> points = new ArrayList<>();
        for (String line : text.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList()) {
            String[] parts = line.split(",");
            points.add(new Point(Double.parseDouble(parts[0]), Double.parseDouble(parts[1])));
        }
        return points;
    }
}
