package ai.portal.ui.team;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import ai.portal.ui.backend.JobsApi.ModelScalingChange;
import ai.portal.ui.backend.JobsApi.ModelScalingHistory;
import org.junit.jupiter.api.Test;

/** The replicas-over-time chart is a step line: each rescale holds until the next. */
class ScalingHistoryDialogTest {

    @Test
    void eachRescaleHoldsUntilTheNext() {
        Instant since = Instant.parse("2026-11-30T10:00:00Z");
        ModelScalingHistory history = new ModelScalingHistory(since, since.plusSeconds(120), 2, 2, List.of(
                new ModelScalingChange(since.plusSeconds(20), 3, "requestsPerSecond", "up", "…"),
                new ModelScalingChange(since.plusSeconds(75), 2, null, "down", "All metrics below target")));
        assertThat(ScalingHistoryDialog.replicasOnGrid(history, 15))
                .containsExactly(2.0, 2.0, 3.0, 3.0, 3.0, 2.0, 2.0, 2.0, 2.0);
    }

    @Test
    void withoutRescalesTheLineStaysAtTheStart() {
        Instant since = Instant.parse("2026-11-30T10:00:00Z");
        assertThat(ScalingHistoryDialog.replicasOnGrid(new ModelScalingHistory(since, since.plusSeconds(30), 1, 1,
                List.of()), 15)).containsExactly(1.0, 1.0, 1.0);
    }
}
