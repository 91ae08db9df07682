package ai.portal.jobs.culling;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import ai.portal.jobs.culling.IdleDecision.Facts;
import ai.portal.jobs.culling.IdleDecision.Keep;
import ai.portal.jobs.culling.IdleDecision.Stop;
import ai.portal.jobs.culling.IdleDecision.Warn;
import ai.portal.jobs.culling.IdleDecision.Warned;
import org.junit.jupiter.api.Test;

class IdleDecisionTest {

    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    private static final Duration HOUR = Duration.ofHours(1);
    private static final Duration TEN_MINUTES = Duration.ofMinutes(10);

    private static Facts facts(Duration idleFor, boolean busy, Double gpu, Instant keepUntil, Instant warnedStopAt) {
        return new Facts(NOW, NOW.minus(idleFor), busy, gpu, 10, HOUR, TEN_MINUTES, keepUntil, warnedStopAt);
    }

    @Test
    void usedRecentlyIsKept() {
        assertThat(IdleDecision.decide(facts(Duration.ofMinutes(49), false, null, null, null)))
                .isInstanceOf(Keep.class);
    }

    @Test
    void idleIntoTheWarningWindowIsWarnedWithTheStopAtItsDeadline() {
        var verdict = IdleDecision.decide(facts(Duration.ofMinutes(50), false, null, null, null));
        assertThat(verdict).isEqualTo(new Warn(NOW.plus(TEN_MINUTES), NOW.minus(Duration.ofMinutes(50))));
    }

    @Test
    void aNotebookFirstSeenPastItsDeadlineStillGetsTheWholeWarning() {
        var verdict = (Warn) IdleDecision.decide(facts(Duration.ofHours(5), false, null, null, null));
        assertThat(verdict.stopAt()).isEqualTo(NOW.plus(TEN_MINUTES));
    }

    @Test
    void neverStoppedWithoutAWarningFirst() {
        assertThat(IdleDecision.decide(facts(Duration.ofHours(2), false, null, null, null)))
                .isNotInstanceOf(Stop.class);
    }

    @Test
    void warnedAndStillIdleWaitsForItsTimeThenStops() {
        Instant stopAt = NOW.plusSeconds(60);
        assertThat(IdleDecision.decide(facts(Duration.ofMinutes(59), false, null, null, stopAt)))
                .isEqualTo(new Warned(stopAt));
        var stop = IdleDecision.decide(facts(Duration.ofMinutes(61), false, null, null, NOW.minusSeconds(60)));
        assertThat(stop).isEqualTo(new Stop(Duration.ofMinutes(61)));
    }

    @Test
    void aBusyKernelKeepsItWhateverJupyterLastSaw() {
        assertThat(IdleDecision.decide(facts(Duration.ofHours(3), true, null, null, NOW.minusSeconds(5))))
                .isInstanceOf(Keep.class);
    }

    @Test
    void gpuUtilisationAtTheThresholdKeepsItUnderItDoesNot() {
        assertThat(IdleDecision.decide(facts(Duration.ofHours(3), false, 10.0, null, null)))
                .isInstanceOf(Keep.class);
        assertThat(IdleDecision.decide(facts(Duration.ofHours(3), false, 3.0, null, null)))
                .isInstanceOf(Warn.class);
    }

    @Test
    void usedAgainAfterTheWarningWithdrawsIt() {
        assertThat(IdleDecision.decide(facts(Duration.ofMinutes(1), false, null, null, NOW.plusSeconds(30))))
                .isInstanceOf(Keep.class);
    }

    @Test
    void anExtensionPushesTheDeadlineAndWithdrawsAStandingWarning() {
        Instant keepUntil = NOW.plus(Duration.ofHours(2));
        assertThat(IdleDecision.decide(facts(Duration.ofHours(3), false, null, keepUntil, NOW.plusSeconds(30))))
                .isInstanceOf(Keep.class);
        var warn = (Warn) IdleDecision.decide(facts(Duration.ofHours(3), false, null, NOW.plusSeconds(300), null));
        assertThat(warn.stopAt()).isEqualTo(NOW.plus(TEN_MINUTES));
        var moved = IdleDecision.decide(facts(Duration.ofHours(3), false, null, NOW.plusSeconds(500),
                NOW.plusSeconds(60)));
        assertThat(moved).isEqualTo(new Warn(NOW.plusSeconds(500), NOW.minus(Duration.ofHours(3))));
    }

    @Test
    void anExpiredExtensionNoLongerCounts() {
        assertThat(IdleDecision.decide(facts(Duration.ofHours(3), false, null, NOW.minusSeconds(1), null)))
                .isInstanceOf(Warn.class);
    }
}
