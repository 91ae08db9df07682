package ai.portal.platform.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

class RefusalBudgetTest {

    private static final Instant T0 = Instant.parse("2026-11-30T04:00:00Z");

    @Test
    void pastItsBudgetAnActorsRefusalsAreCountedAndTheNextRowSaysHowMany() {
        RefusalBudget budget = new RefusalBudget(3);
        for (int i = 0; i < 3; i++) {
            assertThat(budget.admit("mallory", T0.plusSeconds(i))).isEqualTo(new RefusalBudget.Decision(true, 0));
        }
        for (int i = 0; i < 5; i++) {
            assertThat(budget.admit("mallory", T0.plusSeconds(10 + i)).record()).isFalse();
        }
        // others are not held back by one actor's flood
        assertThat(budget.admit("alice", T0.plusSeconds(20)).record()).isTrue();
        // a minute after the window opened, rows are written again, the first one counting what was left out
        assertThat(budget.admit("mallory", T0.plusSeconds(61))).isEqualTo(new RefusalBudget.Decision(true, 5));
        assertThat(budget.admit("mallory", T0.plusSeconds(62))).isEqualTo(new RefusalBudget.Decision(true, 0));
    }
}
