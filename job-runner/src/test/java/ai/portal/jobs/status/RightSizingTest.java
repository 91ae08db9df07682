package ai.portal.jobs.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import org.junit.jupiter.api.Test;

class RightSizingTest {

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
                        "upperBound", Map.of("cpu", "1200m", "memory", "5Gi")))))), "main", "2", "4Gi");
        assertThat(sizing.state()).isEqualTo(RightSizing.READY);
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
        assertThat(RightSizing.of(vpa(null), "main", "2", "4Gi").state()).isEqualTo(RightSizing.COLLECTING);
        assertThat(RightSizing.of(null, "main", "2", "4Gi").state()).isEqualTo(RightSizing.COLLECTING);
        assertThat(RightSizing.of(vpa(Map.of("conditions", List.of())), "main", "2", "4Gi").state())
                .isEqualTo(RightSizing.COLLECTING);
        assertThat(RightSizing.of(vpa(Map.of("recommendation", Map.of("containerRecommendations", List.of(
                Map.of("containerName", "other", "target", Map.of("cpu", "1")))))), "main", "2", "4Gi").state())
                .isEqualTo(RightSizing.COLLECTING);
    }
}
