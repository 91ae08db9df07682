package ai.portal.jobs.proxy;

/** The gateway's rate limiter alone, timed in this JVM (for {@code bench.ServingBenchmark}; not a test). */
public final class ModelRateLimiterBench {

    private ModelRateLimiterBench() {
    }

    /** {@code BENCH rate_limiter ...}: args takes (1,000,000), callers (1,000), rounds (5). */
    public static void main(String[] args) {
        int takes = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int callers = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        for (int round = 0; round < rounds; round++) {
            System.out.printf(java.util.Locale.ROOT, "BENCH rate_limiter round=%d takes=%d callers=%d take=%.0f ns%n",
                    round, takes, callers, nanosPerTake(takes, callers));
        }
    }

    /** Nanoseconds per {@code take}, after as many warm-up takes, over {@code callers} buckets. */
    public static double nanosPerTake(int takes, int callers) {
        ModelRateLimiter limiter = new ModelRateLimiter();
        long passed = 0;
        for (int i = 0; i < takes; i++) {
            passed += limiter.take("api-key:" + (i % callers), "bench/model", 1000).isConsumed() ? 1 : 0;
        }
        long start = System.nanoTime();
        for (int i = 0; i < takes; i++) {
            passed += limiter.take("api-key:" + (i % callers), "bench/model", 1000).isConsumed() ? 1 : 0;
        }
        double nanos = (double) (System.nanoTime() - start) / takes;
        return passed < 0 ? -1 : nanos;
    }
}
