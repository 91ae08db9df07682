package ai.portal.jobs.proxy;

/** The gateway's rate limiter alone, timed in this JVM (for {@code bench.ServingBenchmark}; not a test). */
public final class ModelRateLimiterBench {

    private ModelRateLimiterBench() {
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
