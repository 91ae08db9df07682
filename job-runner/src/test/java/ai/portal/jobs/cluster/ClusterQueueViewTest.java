package ai.portal.jobs.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import ai.portal.jobs.cluster.ClusterQueueView.FlavorResource;
import ai.portal.jobs.cluster.ClusterQueueView.Quota;
import ai.portal.jobs.cluster.ClusterQueueView.Usage;
import org.junit.jupiter.api.Test;

class ClusterQueueViewTest {

    private static final FlavorResource A100 = new FlavorResource("i-a100", "nvidia.com/gpu");
    private static final FlavorResource CPU = new FlavorResource("i-default", "cpu");

    @Test
    void whatAdmittedWorkloadsHoldIsReservedAndWhatExceedsTheNominalQuotaIsBorrowed() {
        // the queue's status still says nothing is reserved, as it does for a moment after an admission
        ClusterQueueView queue = new ClusterQueueView("i-team-a", "i", Map.of(),
                Map.of(A100, new Quota(BigDecimal.TWO, null, null), CPU, new Quota(BigDecimal.valueOf(64), null, null)),
                Map.of(), 0, 0, true, "");

        ClusterQueueView reserved = queue.reservedBy(List.of(workload(2, "4"), workload(1, "1.5")));

        assertThat(reserved.reserved("i-a100", "nvidia.com/gpu"))
                .isEqualTo(new Usage(BigDecimal.valueOf(3), BigDecimal.ONE));
        assertThat(reserved.reserved("i-default", "cpu").total()).isEqualByComparingTo("5.5");
        assertThat(reserved.reserved("i-default", "cpu").borrowed()).isEqualByComparingTo("0");
        assertThat(reserved.reservingWorkloads()).isEqualTo(2);
        assertThat(queue.reservedBy(List.of()).reserved("i-a100", "nvidia.com/gpu").total()).isZero();
    }

    private static KueueWorkload workload(int gpus, String cpu) {
        return new KueueWorkload("team-a", "job-" + gpus, "uid-" + gpus, "Job", "job", "owner", "team", 0, null,
                null, Map.of(), "i-team-a", Map.of("nvidia.com/gpu", "i-a100", "cpu", "i-default"),
                Map.of("nvidia.com/gpu", BigDecimal.valueOf(gpus), "cpu", new BigDecimal(cpu)), true);
    }
}
