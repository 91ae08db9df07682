package ai.portal.jobs.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import org.junit.jupiter.api.Test;

class RightSizingTest {

    private static final GenericKubernetesResource MEASURED = vpa(Map.of("totalSamplesCount", 12,
            "firstSampleStart", "2026-01-01T10:00:00Z", "lastSampleStart", "2026-01-01T10:11:00Z"));

    private static GenericKubernetesResource vpa(Object status) {
        GenericKubernetesResource vpa = new GenericKubernetesResource();
        if (status != null) {
            vpa.setAdditionalProperty("status", status);
        }
        return vpa;
    }

    @Test
    void theRecommendationOfTheWorkloadsContainerAgainstItsRequests() {
        RightSizing sizing = RightSizing.of(vpa(Map.of("recommendation", Map.of("containerRecommendations", List.of(
                Map.of("containerName", "sidecar", "target", Map.of("cpu", "3")),
                Map.of("containerName", "main", "target", Map.of("cpu", "230m", "memory", "2469606195"),
                        "lowerBound", Map.of("cpu", "25m", "memory", "262144k"),
                        "upperBound", Map.of("cpu", "1200m", "memory", "5Gi")))))), MEASURED, "main", "2", "4Gi");
        assertThat(sizing.state()).isEqualTo(RightSizing.READY);
        assertThat(sizing.samples()).isEqualTo(12);
        assertThat(sizing.measuredSince()).isEqualTo(java.time.Instant.parse("2026-01-01T10:00:00Z"));
        assertThat(sizing.measuredUntil()).isEqualTo(java.time.Instant.parse("2026-01-01T10:11:00Z"));
        RightSizing.Resource cpu = sizing.resources().get(0);
        assertThat(cpu.name()).isEqualTo("cpu");
        assertThat(cpu.requested()).isEqualByComparingTo("2");
        assertThat(cpu.target()).isEqualByComparingTo("0.23");
        assertThat(cpu.lowerBound()).isEqualByComparingTo("0.025");
        assertThat(cpu.upperBound()).isEqualByComparingTo("1.2");
        assertThat(cpu.overRequest()).isGreaterThan(8.6);
        RightSizing.Resource memory = sizing.resources().get(1);
        assertThat(memory.requested()).isEqualByComparingTo(Long.toString(4L << 30));
        assertThat(memory.upperBound()).isEqualByComparingTo(Long.toString(5L << 30));
    }

    @Test
    void withoutARecommendationYetItIsCollecting() {
        assertThat(RightSizing.of(vpa(null), MEASURED, "main", "2", "4Gi").state()).isEqualTo(RightSizing.COLLECTING);
        assertThat(RightSizing.of(null, MEASURED, "main", "2", "4Gi").state()).isEqualTo(RightSizing.COLLECTING);
        assertThat(RightSizing.of(vpa(Map.of("conditions", List.of())), MEASURED, "main", "2", "4Gi").state())
                .isEqualTo(RightSizing.COLLECTING);
        assertThat(RightSizing.of(vpa(Map.of("recommendation", Map.of("containerRecommendations", List.of(
                Map.of("containerName", "other", "target", Map.of("cpu", "1")))))), MEASURED, "main", "2", "4Gi")
                .state()).isEqualTo(RightSizing.COLLECTING);
    }

    /** The recommender recommends its minimum before it has measured anything: that is no recommendation. */
    @Test
    void aRecommendationWithoutMeasuredUsageIsStillCollecting() {
        GenericKubernetesResource unmeasured = vpa(Map.of("recommendation", Map.of("containerRecommendations",
                List.of(Map.of("containerName", "main", "target", Map.of("cpu", "25m", "memory", "262144k"))))));
        assertThat(RightSizing.of(unmeasured, null, "main", "2", "4Gi").state()).isEqualTo(RightSizing.COLLECTING);
        assertThat(RightSizing.of(unmeasured, vpa(Map.of("totalSamplesCount", 0)), "main", "2", "4Gi").state())
                .isEqualTo(RightSizing.COLLECTING);
        assertThat(RightSizing.of(unmeasured, MEASURED, "main", "2", "4Gi").state()).isEqualTo(RightSizing.READY);
    }
}
