package ai.portal.jobs.proxy;

import java.time.Duration;

import ai.portal.jobs.serving.ServingResources;
import ai.portal.platform.team.TeamNames;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Request metrics of the model gateway, per deployment, on the management port's {@code /actuator/prometheus}:
 * {@code portal_model_requests_seconds} (a histogram: {@code _bucket}, {@code _count}, {@code _sum}) tagged
 * {@code team}, {@code deployment} and {@code outcome} ({@code success}, {@code client_error} for the model's 4xx,
 * {@code server_error} for its 5xx or no answer, {@code rate_limited} for the gateway's 429), and
 * {@code model_namespace} / {@code model_service} naming the deployment's namespace and Service (functions of team
 * and deployment: no further series). Requests/s and error rates are {@code rate()} of the counts; autoscaling reads
 * the requests per second through the prometheus-adapter as an Object metric of that Service
 * ({@code infra/monitoring/prometheus-adapter/config.yaml}).
 * Cardinality is bounded: only requests that reached a deployment the team has (its row) are recorded, never a
 * path someone made up, and the buckets are fixed (no per-series percentile histogram).
 */
final class ModelMetrics {

    static final String REQUESTS = "portal.model.requests";
    /** Not {@code namespace}/{@code service}: a scrape's own target labels (the job runner's pod) would clash. */
    static final String NAMESPACE_TAG = "model_namespace";
    static final String SERVICE_TAG = "model_service";
    private static final Duration[] BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};

    private final MeterRegistry registry;

    ModelMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void record(String team, String deployment, String outcome, long nanos) {
        Timer.builder(REQUESTS)
                .description("Inference requests through the model gateway, by deployment and outcome")
                .tag("team", team).tag("deployment", deployment).tag("outcome", outcome)
                // the objects the prometheus-adapter maps the series to: the HPA's Object metric on the Service
                .tag(NAMESPACE_TAG, TeamNames.namespace(team))
                .tag(SERVICE_TAG, ServingResources.objectName(deployment))
                .serviceLevelObjectives(BUCKETS)
                .register(registry)
                .record(Duration.ofNanos(nanos));
    }

    /** The outcome of a request the model answered with {@code status} (null: no answer). */
    static String outcome(Integer status) {
        if (status == null || status >= 500) {
            return "server_error";
        }
        return status >= 400 ? "client_error" : "success";
    }
}
