package ai.portal.jobs.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import ai.portal.jobs.status.EtaEstimator.Estimate;
import ai.portal.jobs.status.EtaEstimator.History;
import ai.portal.jobs.status.EtaEstimator.Holder;
import ai.portal.jobs.status.EtaEstimator.Waiter;
import org.junit.jupiter.api.Test;

class EtaEstimatorTest {

    static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

    static BigDecimal n(int value) {
        return BigDecimal.valueOf(value);
    }

    static Holder running(int gpus, Duration ago, Duration max) {
        return new Holder(n(gpus), NOW.minus(ago), max);
    }

    @Test
    void startsWhenTheRunningJobReachesItsMaxRuntime() {
        Estimate estimate = EtaEstimator.estimate(n(8), List.of(running(8, Duration.ofMinutes(10),
                Duration.ofHours(1))), List.of(), n(4), NOW, History.NONE);
        assertThat(estimate.latest()).isEqualTo(NOW.plus(Duration.ofMinutes(50)));
        assertThat(estimate.estimated()).isEqualTo(estimate.latest());
        assertThat(estimate.confidence()).isEqualTo("low");
    }

    @Test
    void waitsForWhatIsAheadToRunToo() {
        // 8 GPUs, one 8-GPU job ends in 30 min; ahead: an 8-GPU job of 1 h; ours needs 4
        Estimate estimate = EtaEstimator.estimate(n(8), List.of(running(8, Duration.ofMinutes(30),
                Duration.ofHours(1))), List.of(new Waiter(n(8), Duration.ofHours(1))), n(4), NOW, History.NONE);
        assertThat(estimate.latest()).isEqualTo(NOW.plus(Duration.ofMinutes(90)));
    }

    @Test
    void aSmallerJobFitsBesideAheadOnesThatDoNot() {
        // 8 GPUs: 4 free now; ahead wants 8 (does not fit), ours wants 2: Kueue's BestEffortFIFO admits ours now
        Estimate estimate = EtaEstimator.estimate(n(8), List.of(running(4, Duration.ZERO, Duration.ofHours(1))),
                List.of(new Waiter(n(8), Duration.ofHours(1))), n(2), NOW, History.NONE);
        assertThat(estimate.estimated()).isEqualTo(NOW);
        assertThat(estimate.confidence()).isEqualTo("high");
    }

    @Test
    void historyShortensTheEstimateButNotTheBound() {
        Estimate estimate = EtaEstimator.estimate(n(4), List.of(running(4, Duration.ZERO, Duration.ofHours(2))),
                List.of(), n(4), NOW, new History(0.5, 25));
        assertThat(estimate.estimated()).isEqualTo(NOW.plus(Duration.ofHours(1)));
        assertThat(estimate.latest()).isEqualTo(NOW.plus(Duration.ofHours(2)));
        assertThat(estimate.confidence()).isEqualTo("high");
        assertThat(estimate.basis()).contains("50% of their max runtime").contains("median of 25");
    }

    @Test
    void noEstimateWhileANotebookWithoutLimitHoldsWhatItNeeds() {
        Estimate estimate = EtaEstimator.estimate(n(4), List.of(running(4, Duration.ZERO, null)), List.of(), n(1),
                NOW, History.NONE);
        assertThat(estimate.estimated()).isNull();
        assertThat(estimate.confidence()).isEqualTo("none");
        assertThat(estimate.basis()).contains("without a max runtime");
    }

    @Test
    void moreThanTheQuotaHasNoEstimate() {
        Estimate estimate = EtaEstimator.estimate(n(4), List.of(), List.of(), n(8), NOW, History.NONE);
        assertThat(estimate.estimated()).isNull();
        assertThat(estimate.basis()).contains("more than the team's quota");
    }

    @Test
    void anOverdueJobIsExpectedToEndNow() {
        Estimate estimate = EtaEstimator.estimate(n(2), List.of(running(2, Duration.ofHours(3), Duration.ofHours(1))),
                List.of(), n(2), NOW, History.NONE);
        assertThat(estimate.estimated()).isEqualTo(NOW);
    }
}
