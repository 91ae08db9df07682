package ai.portal.jobs.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bucket4j.ConsumptionProbe;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

/** The model gateway's rate limit per caller and its request metrics, without a stack. */
class ModelGatewayLimitsTest {

    @Test
    void eachCallerGetsTheDeploymentsLimitPerSecondAndIsToldWhenToRetry() {
        ModelRateLimiter limiter = new ModelRateLimiter();
        limiter.take("warm-up", "vision/churn", 1); // class loading, so that the takes below follow each other
        // a burst of one second's worth passes; the next take waits for the refill (1 per 1/3 s)
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.take("api-key:1", "vision/churn", 3).isConsumed()).as("request " + i).isTrue();
        }
        // with 1/s, the second take within the second is refused and told to retry in 1 s
        assertThat(limiter.take("api-key:9", "vision/churn", 1).isConsumed()).isTrue();
        ConsumptionProbe over = limiter.take("api-key:9", "vision/churn", 1);
        assertThat(over.isConsumed()).isFalse();
        assertThat(ModelRateLimiter.retryAfterSeconds(over)).isEqualTo(1);
        // another caller, another deployment: buckets of their own
        assertThat(limiter.take("api-key:2", "vision/churn", 1).isConsumed()).isTrue();
        assertThat(limiter.take("user:alice", "vision/churn", 1).isConsumed()).isTrue();
        assertThat(limiter.take("api-key:9", "vision/fraud", 1).isConsumed()).isTrue();
        // a raised limit applies at once
        assertThat(limiter.take("api-key:9", "vision/churn", 10).isConsumed()).isTrue();
    }

    @Test
    void requestsAreCountedAndTimedPerDeploymentForPrometheus() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ModelMetrics metrics = new ModelMetrics(registry);
        metrics.record("vision", "churn", ModelMetrics.outcome(200), 3_000_000);
        metrics.record("vision", "churn", ModelMetrics.outcome(200), 40_000_000);
        metrics.record("vision", "churn", ModelMetrics.outcome(400), 1_000_000);
        metrics.record("vision", "churn", ModelMetrics.outcome(null), 1_000_000);
        metrics.record("vision", "churn", "rate_limited", 10_000);
        String scrape = registry.scrape();
        // model_namespace and model_service name the deployment's Service: what the prometheus-adapter maps the
        // series to for the HPA's requests-per-second target
        String series = "deployment=\"churn\",model_namespace=\"team-vision\",model_service=\"portal-model-churn\","
                + "outcome=\"success\",team=\"vision\"";
        assertThat(scrape).contains("portal_model_requests_seconds_count{" + series + "} 2")
                .contains("portal_model_requests_seconds_bucket{" + series + ",le=\"0.005\"} 1")
                .contains("portal_model_requests_seconds_bucket{" + series + ",le=\"0.05\"} 2")
                .contains("outcome=\"client_error\"").contains("outcome=\"server_error\"")
                .contains("outcome=\"rate_limited\"");
    }
}
