package ai.portal.jobs.bench;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import ai.portal.localcluster.SimulatedNodes;
import ai.portal.testing.TestStack;
import ai.portal.testing.Tokens;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 8's ETA figures for docs/benchmarks.md (a test-scoped main, not a test; lines {@code BENCH ...}): how far the
 * estimated start the job runner shows a queued job ({@code status.queue.estimatedStart}, from
 * {@code ai.portal.jobs.status.EtaEstimator}) is from when the job really started, over a replayed trace.
 *
 * <p>Against a running {@code ./portal up} (the job runner, tenant-service, Keycloak, PostgreSQL, the local cluster
 * with Kueue) it adds simulated nodes of a GPU type of its own, makes a few teams with quotas of that type (borrowing
 * off, as {@code ./portal up} runs), and replays a generated trace through the job runner's API: each job arrives at
 * its time (Poisson arrivals with a few bursts, like a hyper-parameter sweep), asks for 1–8 GPUs, and really runs for
 * less than the max runtime it declares (the node agent ends its pod after {@code sim.portal.ai/duration}); how much
 * less differs per team, as users' habits do. Time is compressed: a second here stands for a minute of a real
 * cluster's day, so 500 jobs replay in about a quarter of an hour.
 *
 * <p>A poller lists every team's jobs through the API every 2 s (what the UI shows) and keeps, per job, the first
 * estimate it saw while the job was queued; at the end the API's {@code admittedAt} (Kueue reserved its quota) and
 * {@code startedAt} (its container ran) are the actual starts. It prints p50/p90 of the absolute error, its median
 * sign (late or early), the share of jobs that started by the stated {@code latestStart}, the same figures per
 * confidence, and the error the unscaled {@code latestStart} would have had (the same-run baseline of the history
 * scaling). Every job's row goes to {@code target/eta-benchmark-<id>.csv}. Teams and nodes are deleted at the end.
 *
 * <pre>
 * java -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
 *     ai.portal.jobs.bench.EtaBenchmark 500 4 20261130   # jobs, teams, seed
 * java -cp ... ai.portal.jobs.bench.EtaBenchmark csv target/eta-benchmark-ID.csv   # the figures again from a run
 * </pre>
 */
public final class EtaBenchmark {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String IMAGE = "sim-test";
    /** Seconds here per minute of the trace's own clock. */
    private static final int COMPRESSION = 60;
    private static final Duration POLL = Duration.ofSeconds(2);

    private final HttpClient http = TestStack.httpClient();
    private final BenchHttp calls = new BenchHttp(http);
    private final Tokens tokens = Tokens.fromTestStack();
    private final String tenantUrl;
    private final String jobsUrl;
    private volatile String admin;
    private volatile String alice;

    private EtaBenchmark() {
        TestStack stack = TestStack.get();
        tenantUrl = stack.value("PORTAL_TENANT_URL");
        jobsUrl = stack.value("PORTAL_JOBS_URL");
        signIn();
    }

    private void signIn() {
        admin = tokens.userToken("admin");
        alice = tokens.userToken("alice");
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("csv")) {
            analyseCsv(Path.of(args[1]));
            return;
        }
        int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        int teams = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        long seed = args.length > 2 ? Long.parseLong(args[2]) : 20261130L;
        new EtaBenchmark().run(jobs, teams, seed);
        System.exit(0);
    }

    // ---- the trace ---------------------------------------------------------------------------------------------

    /** One job of the trace: when it arrives (seconds from the start), for which team, how big, how long. */
    record TraceJob(String name, int team, double arrival, int gpus, int runtimeSeconds, int maxRuntimeSeconds) {
    }

    /**
     * Quotas per team (GPUs), heaviest team first; the trace's demand is close to them, so queues form and clear.
     * Per team, how much of its max runtime a job really uses (low, high): some users declare generously.
     */
    private static final int[] QUOTAS = {48, 40, 28, 20, 16, 12};
    private static final double[] WEIGHTS = {0.35, 0.30, 0.20, 0.15, 0.10, 0.05};
    private static final double[][] USED_FRACTION = {{0.25, 0.6}, {0.6, 0.95}, {0.35, 0.9}, {0.5, 0.8},
            {0.3, 0.9}, {0.3, 0.9}};

    static List<TraceJob> trace(int jobs, int teams, long seed) {
        Random random = new Random(seed);
        double[] weights = new double[teams];
        double total = 0;
        for (int t = 0; t < teams; t++) {
            weights[t] = WEIGHTS[t % WEIGHTS.length];
            total += weights[t];
        }
        double span = 600; // seconds of arrivals
        int bursts = Math.max(1, jobs / 50);
        int burstSize = 8;
        int poisson = jobs - bursts * burstSize;
        List<double[]> arrivals = new ArrayList<>(); // {time, team}
        double rate = poisson / span;
        double time = 0;
        for (int i = 0; i < poisson; i++) {
            time += -Math.log(1 - random.nextDouble()) / rate;
            arrivals.add(new double[] {Math.min(time, span), pick(random, weights, total)});
        }
        for (int b = 0; b < bursts; b++) {
            double at = random.nextDouble() * span * 0.9;
            int team = pick(random, weights, total);
            for (int i = 0; i < burstSize; i++) {
                arrivals.add(new double[] {at + i * 0.2, team});
            }
        }
        arrivals.sort((a, b) -> Double.compare(a[0], b[0]));
        List<TraceJob> trace = new ArrayList<>();
        for (int i = 0; i < arrivals.size(); i++) {
            int team = (int) arrivals.get(i)[1];
            double r = random.nextDouble();
            int gpus = r < 0.55 ? 1 : r < 0.80 ? 2 : r < 0.94 ? 4 : 8;
            // log-uniform 30-180 s here (30 min to 3 h of the trace's clock)
            int runtime = (int) Math.round(Math.exp(Math.log(30) + random.nextDouble() * Math.log(180.0 / 30)));
            double[] used = USED_FRACTION[team % USED_FRACTION.length];
            double fraction = used[0] + random.nextDouble() * (used[1] - used[0]);
            // users declare round figures (half-hours of the trace), never under the job runner's minimum of 1 min
            int max = Math.max(60, (int) Math.ceil(runtime / fraction / 30.0) * 30);
            trace.add(new TraceJob(String.format(Locale.ROOT, "j%03d", i), team, arrivals.get(i)[0], gpus, runtime,
                    max));
        }
        return trace;
    }

    private static int pick(Random random, double[] weights, double total) {
        double r = random.nextDouble() * total;
        for (int t = 0; t < weights.length; t++) {
            r -= weights[t];
            if (r <= 0) {
                return t;
            }
        }
        return weights.length - 1;
    }

    // ---- the replay --------------------------------------------------------------------------------------------

    /** The first estimate seen while the job was queued. */
    record Seen(Instant at, Instant estimated, Instant latest, String confidence, Integer position) {
    }

    private void run(int jobs, int teams, long seed) throws Exception {
        List<TraceJob> trace = trace(jobs, teams, seed);
        String kubeconfig = TestStack.get().value("KUBECONFIG").split(File.pathSeparator)[0];
        String id = UUID.randomUUID().toString().substring(0, 6);
        String gpuType = "ETA-" + id.toUpperCase(Locale.ROOT);
        String pool = "eta-" + id;
        int quotaTotal = 0;
        for (int t = 0; t < teams; t++) {
            quotaTotal += QUOTAS[t % QUOTAS.length];
        }
        // more GPUs on nodes than in quotas: the quota, which the estimate counts, is what binds
        int nodeCount = (int) Math.ceil(quotaTotal * 1.25 / 8);
        List<String> slugs = new ArrayList<>();
        double demand = trace.stream().mapToDouble(job -> job.gpus() * (double) job.runtimeSeconds()).sum();
        System.out.printf(Locale.ROOT, "BENCH trace jobs=%d teams=%d seed=%d compression=%d (1 s here = 1 min) "
                        + "arrivals_s=%.0f gpu_seconds=%.0f quota_gpus=%d node_gpus=%d%n", trace.size(), teams, seed,
                COMPRESSION, trace.getLast().arrival(), demand, quotaTotal, nodeCount * 8);
        for (int t = 0; t < teams; t++) {
            int team = t;
            List<TraceJob> mine = trace.stream().filter(job -> job.team() == team).toList();
            System.out.printf(Locale.ROOT, "BENCH trace.team%d quota=%d jobs=%d gpu_seconds=%.0f "
                            + "used_of_max_median=%.2f%n", t, QUOTAS[t % QUOTAS.length], mine.size(),
                    mine.stream().mapToDouble(job -> job.gpus() * (double) job.runtimeSeconds()).sum(),
                    median(mine.stream().map(job -> job.runtimeSeconds() / (double) job.maxRuntimeSeconds()).toList()));
        }
        Config config = Config.fromKubeconfig(Files.readString(Path.of(kubeconfig)));
        config.setRequestTimeout(120_000);
        try (KubernetesClient kubernetes = new KubernetesClientBuilder().withConfig(config).build()) {
            try {
                List<String> names = SimulatedNodes.create(kubernetes, pool, "gpu", nodeCount,
                        new SimulatedNodes.GpuType(gpuType, "ETA GPU " + id, 16384, "bench", 100), 8);
                for (String name : names) {
                    // jobs tolerate only the GPU taint: the pool's own taint goes, the unique GPU type keeps others off
                    Node node = kubernetes.nodes().withName(name).get();
                    kubernetes.nodes().withName(name).patch(PatchContext.of(PatchType.JSON_MERGE), new NodeBuilder()
                            .withNewSpec().withTaints(node.getSpec().getTaints().stream()
                                    .filter(taint -> !SimulatedNodes.POOL_TAINT.equals(taint.getKey())).toList())
                            .endSpec().build());
                }
                prepare(gpuType, teams, id, slugs);
                replay(trace, slugs, gpuType, id);
            } finally {
                for (String slug : slugs) {
                    calls.send("DELETE", tenantUrl + "/api/v1/teams/" + slug + "?force=true", admin, null);
                }
                SimulatedNodes.delete(kubernetes, pool);
            }
        }
    }

    private void prepare(String gpuType, int teams, String id, List<String> slugs) throws Exception {
        BenchHttp.expect(calls.send("POST", tenantUrl + "/api/v1/gpu-types?force=true", admin,
                Map.of("name", gpuType, "displayName", gpuType, "memoryGib", 16)), 201, 200, 409);
        if (calls.send("GET", jobsUrl + "/api/v1/images/" + IMAGE, admin, null).statusCode() == 404) {
            calls.send("POST", jobsUrl + "/api/v1/images", admin, Map.of("id", IMAGE,
                    "reference", "registry.invalid/portal-tests/simulated:1", "displayName", "Simulated (tests)",
                    "forNotebooks", true, "forJobs", true, "cuda", true));
        }
        for (int t = 0; t < teams; t++) {
            String slug = "eta-" + id + "-" + t;
            int quota = QUOTAS[t % QUOTAS.length];
            BenchHttp.expect(calls.send("POST", tenantUrl + "/api/v1/teams", admin, Map.of("slug", slug,
                    "displayName", "ETA bench " + t, "owner", "alice")), 201);
            slugs.add(slug);
            Map<String, Object> quotas = new LinkedHashMap<>();
            // CPU and memory never bind: every job asks 1 CPU and 1 GiB, at most one per GPU runs
            quotas.put("cpu", Integer.toString(quota + 8));
            quotas.put("memory", (quota + 8) + "Gi");
            quotas.put("storage", "100Gi");
            quotas.put("pvcs", 5);
            quotas.put("maxNotebooks", 1);
            quotas.put("gpus", Map.of(gpuType, quota));
            BenchHttp.expect(calls.send("PUT", tenantUrl + "/api/v1/teams/" + slug + "/quota?force=true", admin, quotas), 200);
        }
        calls.awaitQueues(jobsUrl, alice, slugs, gpuType, t -> QUOTAS[t % QUOTAS.length]);
    }

    private void replay(List<TraceJob> trace, List<String> slugs, String gpuType, String id) throws Exception {
        Map<String, Instant> submitted = new ConcurrentHashMap<>();
        Map<String, Seen> firstEstimate = new ConcurrentHashMap<>();
        Map<String, JsonNode> last = new ConcurrentHashMap<>();
        // kept as soon as seen: a finished Job's objects may go, and with them these fields
        Map<String, Instant> admittedAt = new ConcurrentHashMap<>();
        Map<String, Instant> startedAt = new ConcurrentHashMap<>();
        AtomicInteger failedSubmits = new AtomicInteger();
        ScheduledExecutorService submitters = Executors.newScheduledThreadPool(8);
        long start = System.nanoTime();
        for (TraceJob job : trace) {
            submitters.schedule(() -> {
                try {
                    submitted.put(job.name(), Instant.now());
                    HttpResponse<String> created = calls.send("POST", jobsUrl + "/api/v1/teams/" + slugs.get(job.team())
                                    + "/jobs", alice,
                            Map.of("name", job.name(), "image", IMAGE, "command", List.of("python", "train.py"),
                                    "cpu", "1", "memory", "1Gi", "gpuType", gpuType, "gpus", job.gpus(),
                                    "maxRuntimeSeconds", job.maxRuntimeSeconds(),
                                    "annotations", Map.of("sim.portal.ai/duration", job.runtimeSeconds() + "s")));
                    if (created.statusCode() != 201) {
                        failedSubmits.incrementAndGet();
                        System.out.println("BENCH submit_failed job=" + job.name() + " status="
                                + created.statusCode() + " body=" + created.body());
                    }
                } catch (RuntimeException e) {
                    failedSubmits.incrementAndGet();
                    System.out.println("BENCH submit_failed job=" + job.name() + " error=" + e);
                }
            }, Math.round(job.arrival() * 1000), TimeUnit.MILLISECONDS);
        }
        Map<String, TraceJob> byName = new LinkedHashMap<>();
        trace.forEach(job -> byName.put(job.name(), job));
        long tokenAt = System.nanoTime();
        long deadline = start + Duration.ofMinutes(40).toNanos();
        int lastReport = -1;
        List<Double> pollMillis = Collections.synchronizedList(new ArrayList<>());
        while (System.nanoTime() < deadline) {
            long round = System.nanoTime();
            if (round - tokenAt > Duration.ofMinutes(3).toNanos()) {
                signIn(); // access tokens live 5 minutes
                tokenAt = round;
            }
            for (String slug : slugs) {
                long before = System.nanoTime();
                HttpResponse<String> list = calls.send("GET", jobsUrl + "/api/v1/teams/" + slug + "/jobs", alice, null);
                pollMillis.add((System.nanoTime() - before) / 1e6);
                if (list.statusCode() != 200) {
                    continue;
                }
                Instant seenAt = Instant.now();
                for (JsonNode view : JSON.readTree(list.body())) {
                    String name = view.path("name").asString();
                    if (!byName.containsKey(name)) {
                        continue;
                    }
                    last.put(name, view);
                    JsonNode status = view.path("status");
                    JsonNode queue = status.path("queue");
                    Instant admitted = instant(status.path("admittedAt"));
                    Instant started = instant(status.path("startedAt"));
                    if (admitted != null) {
                        admittedAt.putIfAbsent(name, admitted);
                    }
                    if (started != null) {
                        startedAt.putIfAbsent(name, started);
                    }
                    if ("Pending".equals(status.path("phase").asString()) && "queued".equals(status.path("stage")
                            .asString()) && queue.isObject() && !firstEstimate.containsKey(name)) {
                        firstEstimate.put(name, new Seen(seenAt, instant(queue.path("estimatedStart")),
                                instant(queue.path("latestStart")), queue.path("confidence").asString(null),
                                queue.path("positionInTeam").isNumber() ? queue.path("positionInTeam").asInt() : null));
                    }
                }
            }
            long finished = last.values().stream().filter(finished()).count();
            int minute = (int) ((System.nanoTime() - start) / 60e9);
            if (minute != lastReport) {
                lastReport = minute;
                System.out.printf(Locale.ROOT, "BENCH progress minute=%d submitted=%d seen_queued=%d finished=%d "
                                + "poll_ms_p50=%.0f load=%s%n", minute, submitted.size(), firstEstimate.size(),
                        finished, percentile(new ArrayList<>(pollMillis), 50), loadAverage());
            }
            if (submitted.size() == trace.size() && finished + failedSubmits.get() >= trace.size()) {
                break;
            }
            long sleep = POLL.toNanos() - (System.nanoTime() - round);
            if (sleep > 0) {
                Thread.sleep(sleep / 1_000_000);
            }
        }
        submitters.shutdownNow();
        System.out.printf(Locale.ROOT, "BENCH replay_s=%.0f submitted=%d failed_submits=%d finished=%d "
                        + "list_call_ms p50=%.0f p95=%.0f%n", (System.nanoTime() - start) / 1e9, submitted.size(),
                failedSubmits.get(), last.values().stream().filter(finished()).count(),
                percentile(new ArrayList<>(pollMillis), 50), percentile(new ArrayList<>(pollMillis), 95));
        report(byName, submitted, firstEstimate, last, admittedAt, startedAt, id);
    }

    private static Predicate<JsonNode> finished() {
        return view -> {
            String phase = view.path("status").path("phase").asString("");
            return phase.equals("Succeeded") || phase.equals("Failed") || phase.equals("Cancelled");
        };
    }

    // ---- the figures -------------------------------------------------------------------------------------------

    private record Row(TraceJob job, Seen seen, Instant admitted, Instant started, String phase) {
        double error(Instant actual, Instant estimate) {
            return (actual.toEpochMilli() - estimate.toEpochMilli()) / 1000.0;
        }
    }

    private void report(Map<String, TraceJob> trace, Map<String, Instant> submitted, Map<String, Seen> estimates,
                        Map<String, JsonNode> last, Map<String, Instant> admittedAt, Map<String, Instant> startedAt,
                        String id) throws IOException {
        List<Row> rows = new ArrayList<>();
        Path csv = Path.of("target", "eta-benchmark-" + id + ".csv");
        Files.createDirectories(csv.getParent());
        int neverQueued = 0;
        int noEstimate = 0;
        int notStarted = 0;
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(csv))) {
            out.println("job,team,arrival_s,gpus,runtime_s,max_runtime_s,submitted,first_seen_queued,position,"
                    + "confidence,estimated_start,latest_start,admitted_at,started_at,phase");
            for (TraceJob job : trace.values()) {
                JsonNode status = last.getOrDefault(job.name(), JSON.createObjectNode()).path("status");
                Seen seen = estimates.get(job.name());
                Instant admitted = admittedAt.get(job.name());
                Instant started = startedAt.get(job.name());
                String phase = status.path("phase").asString("");
                out.printf(Locale.ROOT, "%s,%d,%.1f,%d,%d,%d,%s,%s,%s,%s,%s,%s,%s,%s,%s%n", job.name(), job.team(),
                        job.arrival(), job.gpus(), job.runtimeSeconds(), job.maxRuntimeSeconds(),
                        submitted.get(job.name()), seen == null ? "" : seen.at(),
                        seen == null || seen.position() == null ? "" : seen.position(),
                        seen == null ? "" : seen.confidence(), seen == null ? "" : seen.estimated(),
                        seen == null ? "" : seen.latest(), admitted == null ? "" : admitted,
                        started == null ? "" : started, phase);
                if (seen == null) {
                    neverQueued++;
                } else if (seen.estimated() == null) {
                    noEstimate++;
                } else if (admitted == null || started == null) {
                    notStarted++;
                } else {
                    rows.add(new Row(job, seen, admitted, started, phase));
                }
            }
        }
        System.out.printf(Locale.ROOT, "BENCH jobs=%d seen_queued_with_estimate=%d never_seen_queued=%d "
                        + "queued_without_estimate=%d queued_but_no_start=%d csv=%s%n", trace.size(), rows.size(),
                neverQueued, noEstimate, notStarted, csv.toAbsolutePath());
        analyse(rows);
    }

    /** The figures of a run: all jobs seen queued with an estimate, then by confidence, team, position, wait. */
    private static void analyse(List<Row> rows) {
        if (rows.isEmpty()) {
            return;
        }
        figures("all", rows);
        for (String confidence : List.of("low", "medium", "high")) {
            List<Row> some = rows.stream().filter(row -> confidence.equals(row.seen().confidence())).toList();
            if (!some.isEmpty()) {
                figures("confidence_" + confidence, some);
            }
        }
        int teams = rows.stream().mapToInt(row -> row.job().team()).max().orElse(0) + 1;
        for (int t = 0; t < teams; t++) {
            int team = t;
            List<Row> some = rows.stream().filter(row -> row.job().team() == team).toList();
            if (!some.isEmpty()) {
                figures("team" + t, some);
            }
        }
        // a job that fits at once is still seen "queued" for a moment (Kueue has not admitted it yet) with an
        // estimate of now: its error is Kueue's reaction time. Those that had to wait for others are the estimate's
        // real test.
        List<Row> startNow = rows.stream().filter(row -> predictedWait(row) <= 2).toList();
        List<Row> waiting = rows.stream().filter(row -> predictedWait(row) > 2).toList();
        if (!startNow.isEmpty()) {
            figures("predicted_now", startNow);
        }
        if (!waiting.isEmpty()) {
            figures("predicted_wait", waiting);
            for (String confidence : List.of("low", "medium", "high")) {
                List<Row> some = waiting.stream().filter(row -> confidence.equals(row.seen().confidence())).toList();
                if (!some.isEmpty()) {
                    figures("predicted_wait_confidence_" + confidence, some);
                }
            }
        }
        List<Row> near = rows.stream().filter(row -> row.seen().position() != null && row.seen().position() <= 3)
                .toList();
        List<Row> far = rows.stream().filter(row -> row.seen().position() != null && row.seen().position() > 3)
                .toList();
        if (!near.isEmpty()) {
            figures("position_1_to_3", near);
        }
        if (!far.isEmpty()) {
            figures("position_over_3", far);
        }
        // what the parts between admission and a running container cost (the estimate stops at admission)
        List<Double> admitToStart = rows.stream()
                .map(row -> (row.started().toEpochMilli() - row.admitted().toEpochMilli()) / 1000.0).toList();
        System.out.printf(Locale.ROOT, "BENCH admitted_to_started_s p50=%.1f p90=%.1f max=%.1f%n",
                percentile(admitToStart, 50), percentile(admitToStart, 90), percentile(admitToStart, 100));
    }

    private static double predictedWait(Row row) {
        return (row.seen().estimated().toEpochMilli() - row.seen().at().toEpochMilli()) / 1000.0;
    }

    /** The figures again from a run's CSV (the columns {@link #report} writes). */
    private static void analyseCsv(Path csv) throws IOException {
        List<Row> rows = new ArrayList<>();
        List<String> lines = Files.readAllLines(csv);
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.replace("null", "").split(",", -1);
            if (f[7].isEmpty() || f[10].isEmpty() || f[12].isEmpty() || f[13].isEmpty()) {
                continue;
            }
            TraceJob job = new TraceJob(f[0], Integer.parseInt(f[1]), Double.parseDouble(f[2]),
                    Integer.parseInt(f[3]), Integer.parseInt(f[4]), Integer.parseInt(f[5]));
            Seen seen = new Seen(Instant.parse(f[7]), Instant.parse(f[10]), f[11].isEmpty() ? null
                    : Instant.parse(f[11]), f[9], f[8].isEmpty() ? null : Integer.parseInt(f[8]));
            rows.add(new Row(job, seen, Instant.parse(f[12]), Instant.parse(f[13]), f[14]));
        }
        System.out.printf(Locale.ROOT, "BENCH csv=%s jobs=%d seen_queued_with_estimate_and_start=%d%n", csv,
                lines.size() - 1, rows.size());
        analyse(rows);
    }

    /**
     * Errors in seconds here (× {@link #COMPRESSION} / 60 = minutes of the trace): against the start of the
     * container ({@code startedAt}) and against Kueue's admission ({@code admittedAt}); {@code by_latest} = the share
     * that started no later than the stated latest start; {@code latest_as_estimate} = the error had the unscaled
     * upper bound been shown as the estimate.
     */
    private static void figures(String label, List<Row> rows) {
        List<Double> absStart = new ArrayList<>();
        List<Double> signedStart = new ArrayList<>();
        List<Double> absAdmit = new ArrayList<>();
        List<Double> signedAdmit = new ArrayList<>();
        List<Double> absLatest = new ArrayList<>();
        List<Double> relative = new ArrayList<>();
        List<Double> waits = new ArrayList<>();
        int withLatest = 0;
        int byLatest = 0;
        int withinQuarter = 0;
        for (Row row : rows) {
            double start = row.error(row.started(), row.seen().estimated());
            double admit = row.error(row.admitted(), row.seen().estimated());
            absStart.add(Math.abs(start));
            signedStart.add(start);
            absAdmit.add(Math.abs(admit));
            signedAdmit.add(admit);
            double wait = Math.max(1, (row.started().toEpochMilli() - row.seen().at().toEpochMilli()) / 1000.0);
            waits.add(wait);
            relative.add(Math.abs(start) / wait);
            if (Math.abs(start) <= 0.25 * wait) {
                withinQuarter++;
            }
            if (row.seen().latest() != null) {
                withLatest++;
                absLatest.add(Math.abs(row.error(row.started(), row.seen().latest())));
                if (!row.started().isAfter(row.seen().latest())) {
                    byLatest++;
                }
            }
        }
        System.out.printf(Locale.ROOT, "BENCH eta.%s n=%d actual_wait_s p50=%.0f p90=%.0f | vs_started abs_err_s "
                        + "p50=%.1f p90=%.1f median_signed_s=%+.1f rel_err_p50=%.2f within_25pct=%.0f%% | "
                        + "vs_admitted abs_err_s p50=%.1f p90=%.1f median_signed_s=%+.1f | started_by_latest=%.0f%% "
                        + "(of %d) | latest_as_estimate abs_err_s p50=%.1f p90=%.1f%n",
                label, rows.size(), percentile(waits, 50), percentile(waits, 90), percentile(absStart, 50),
                percentile(absStart, 90), median(signedStart), percentile(relative, 50),
                100.0 * withinQuarter / rows.size(), percentile(absAdmit, 50), percentile(absAdmit, 90),
                median(signedAdmit), withLatest == 0 ? Double.NaN : 100.0 * byLatest / withLatest, withLatest,
                percentile(absLatest, 50), percentile(absLatest, 90));
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private static Instant instant(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode() ? null : Instant.parse(node.asString());
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "?";
        }
    }

    private static double median(List<Double> values) {
        return percentile(values, 50);
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
