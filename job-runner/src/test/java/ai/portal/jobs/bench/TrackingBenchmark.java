package ai.portal.jobs.bench;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import ai.portal.testing.TestStack;
import ai.portal.testing.Tokens;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 15's figures for docs/benchmarks.md (a test-scoped main, not a test; lines {@code BENCH ...}) against a running
 * {@code ./portal up}: a team's experiment tracking switched on {@code rounds} times (off in between) through the
 * API as its owner; from the call until the status says {@code ready} (the real MLflow server answering its health
 * check through the process runtime's readiness probe). The first round of a team prepares its store (MLflow's
 * schema migrations in PostgreSQL); later rounds find it. Then the resident memory of the server's process tree.
 *
 * <pre>
 * BENCH_TEAM=demo BENCH_USER=alice java -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
 *     ai.portal.jobs.bench.TrackingBenchmark 4
 * </pre>
 */
public final class TrackingBenchmark {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String TEAM = System.getenv().getOrDefault("BENCH_TEAM", "demo");
    private static final String USER = System.getenv().getOrDefault("BENCH_USER", "alice");

    private final Tokens tokens = Tokens.fromTestStack();
    private final BenchHttp calls = new BenchHttp(TestStack.httpClient());
    private final String jobsUrl = TestStack.get().value("PORTAL_JOBS_URL");

    public static void main(String[] args) throws Exception {
        new TrackingBenchmark().run(args.length > 0 ? Integer.parseInt(args[0]) : 4);
        System.exit(0);
    }

    private void run(int rounds) throws Exception {
        String path = "/api/v1/teams/" + TEAM + "/tracking";
        List<Double> later = new ArrayList<>();
        long rss = 0;
        for (int round = 0; round < rounds; round++) {
            BenchHttp.expect(calls.send("DELETE", jobsUrl + path, tokens.userToken(USER), null), 200);
            awaitState(path, "off", 120);
            long start = System.nanoTime();
            BenchHttp.expect(calls.send("PUT", jobsUrl + path, tokens.userToken(USER), null), 200);
            double ready = awaitState(path, "ready", 300) ? (System.nanoTime() - start) / 1e9 : Double.NaN;
            rss = BenchHttp.processTreeRss("mlflow", "server", "/mlflow/" + TEAM);
            System.out.printf(Locale.ROOT, "BENCH tracking round=%d switch_on_to_ready_s=%.1f server_rss_mib=%d load=%s%n",
                    round, ready, rss >> 20, BenchHttp.loadAverage());
            if (round > 0 && !Double.isNaN(ready)) {
                later.add(ready);
            }
        }
        System.out.printf(Locale.ROOT, "BENCH tracking_on_to_ready rounds=%d | later rounds p50=%.1f s p95=%.1f s | "
                + "server RSS %d MiB (one worker)%n", rounds, BenchHttp.percentile(later, 50),
                BenchHttp.percentile(later, 95), rss >> 20);
    }

    private boolean awaitState(String path, String state, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            HttpResponse<String> status = calls.send("GET", jobsUrl + path, tokens.userToken(USER), null);
            if (status.statusCode() == 200) {
                String now = JSON.readTree(status.body()).path("state").asString();
                if (state.equals(now)) {
                    return true;
                }
                if ("failed".equals(now)) {
                    throw new IllegalStateException("tracking failed: " + status.body());
                }
            }
            Thread.sleep(250);
        }
        return false;
    }
}
