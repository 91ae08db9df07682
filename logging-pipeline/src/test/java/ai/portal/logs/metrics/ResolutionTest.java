package ai.portal.logs.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;

import ai.portal.platform.problem.ApiException;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

class ResolutionTest {

    private static final Instant NOW = Instant.parse("2026-11-29T10:17:23Z");
    private static final MetricsProperties LIMITS = new MetricsProperties(URI.create("http://prometheus"),
            Duration.ofSeconds(10), 240, 1000, Duration.ofSeconds(30), Duration.ofDays(31), 500, true,
            new MetricsProperties.Idle(5, Duration.ofHours(1), Duration.ofMinutes(1), Duration.ofHours(24)),
            new MetricsProperties.Grafana(null, "w", "t", "f"));

    @Test
    void sixHoursAtAChartsWidthRoundUpToAFamiliarStepOnAnAlignedGrid() {
        Resolution r = Resolution.of(Duration.ofHours(6), null, 240, null, LIMITS, NOW);
        assertThat(r.step()).isEqualTo(Duration.ofMinutes(2));
        assertThat(r.points()).isEqualTo(181).isLessThanOrEqualTo(240);
        assertThat(r.end()).isEqualTo(Instant.parse("2026-11-29T10:16:00Z"));
        assertThat(r.start()).isEqualTo(r.end().minus(Duration.ofHours(6)));
    }

    @Test
    void neverFinerThanTheScrapeResolution() {
        Resolution r = Resolution.of(Duration.ofMinutes(5), null, 1000, null, LIMITS, NOW);
        assertThat(r.step()).isEqualTo(Duration.ofSeconds(30));
        assertThatThrownBy(() -> Resolution.of(Duration.ofMinutes(5), null, null, Duration.ofSeconds(5), LIMITS, NOW))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST));
    }

    @Test
    void tooManyPointsOrTooLongARangeIsRefusedAsTooHeavy() {
        assertThatThrownBy(() -> Resolution.of(Duration.ofHours(6), null, 5000, null, LIMITS, NOW))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.getStatusCode()).isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT);
                    assertThat(e.getBody().getDetail()).contains("5000 points").contains("1000");
                });
        assertThatThrownBy(() -> Resolution.of(Duration.ofDays(60), null, null, null, LIMITS, NOW))
                .isInstanceOfSatisfying(ApiException.class, e ->
                        assertThat(e.getBody().getDetail()).contains("60d").contains("31d"));
        assertThatThrownBy(() -> Resolution.of(Duration.ofDays(30), null, null, Duration.ofSeconds(30), LIMITS, NOW))
                .isInstanceOfSatisfying(ApiException.class, e ->
                        assertThat(e.getStatusCode()).isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT));
    }

    @Test
    void durationsInPrometheusOrIsoStyleAndClearErrors() {
        assertThat(Resolution.parseDuration("range", "6h")).isEqualTo(Duration.ofHours(6));
        assertThat(Resolution.parseDuration("range", "PT30M")).isEqualTo(Duration.ofMinutes(30));
        assertThat(Resolution.parseDuration("range", "7d")).isEqualTo(Duration.ofDays(7));
        assertThatThrownBy(() -> Resolution.parseDuration("range", "six hours"))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
                    assertThat(e.getBody().getProperties()).containsEntry("field", "range");
                });
    }

    @Test
    void anEndInTheFutureIsNow() {
        Resolution r = Resolution.of(Duration.ofHours(1), NOW.plus(Duration.ofDays(1)), null, null, LIMITS, NOW);
        assertThat(r.end()).isBeforeOrEqualTo(NOW);
    }
}
