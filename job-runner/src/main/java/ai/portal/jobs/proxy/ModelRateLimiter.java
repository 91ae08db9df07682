package ai.portal.jobs.proxy;

import java.time.Duration;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;

/**
 * The model gateway's rate limit: one token bucket (Bucket4j) per caller and deployment, holding the deployment's
 * limit of requests per second and refilled at that rate, so a caller may burst up to one second's worth and then
 * goes at the limit. Buckets live in this job runner's memory (no Redis: each replica limits on its own, so behind
 * n replicas a caller gets up to n times the limit), bounded in number and dropped after 10 idle minutes (Caffeine).
 * A changed limit takes a fresh bucket (the limit is part of the bucket's key).
 */
final class ModelRateLimiter {

    private final Cache<String, Bucket> buckets = Caffeine.newBuilder()
            .maximumSize(100_000)
            .expireAfterAccess(Duration.ofMinutes(10))
            .build();

    /**
     * Takes one request from {@code caller}'s bucket for {@code deployment}; the probe says whether it may pass and,
     * when not, how long until it may.
     */
    ConsumptionProbe take(String caller, String deployment, int perSecond) {
        return buckets.get(caller + "|" + deployment + "|" + perSecond, key -> Bucket.builder()
                        .addLimit(limit -> limit.capacity(perSecond).refillGreedy(perSecond, Duration.ofSeconds(1)))
                        .build())
                .tryConsumeAndReturnRemaining(1);
    }

    /** Whole seconds to wait, as {@code Retry-After} says it (at least 1). */
    static long retryAfterSeconds(ConsumptionProbe refused) {
        return Math.max(1, (refused.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
    }
}
