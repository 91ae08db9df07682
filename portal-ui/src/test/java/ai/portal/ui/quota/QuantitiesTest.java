package ai.portal.ui.quota;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;

import org.junit.jupiter.api.Test;

/** The quota form accepts what Kubernetes accepts and the bars compare quantities by value. */
class QuantitiesTest {

    @Test
    void acceptsKubernetesQuantities() {
        assertThat(Quantities.valid("32")).isTrue();
        assertThat(Quantities.valid("500m")).isTrue();
        assertThat(Quantities.valid("256Gi")).isTrue();
        assertThat(Quantities.valid("1.5Ti")).isTrue();
        assertThat(Quantities.valid("32 GB")).isFalse();
        assertThat(Quantities.valid("-1")).isFalse();
        assertThat(Quantities.valid("lots")).isFalse();
        assertThat(Quantities.valid("")).isFalse();
    }

    @Test
    void comparesByValue() {
        assertThat(Quantities.value("500m")).isEqualByComparingTo("0.5");
        assertThat(Quantities.value("1Gi")).isEqualByComparingTo(BigDecimal.valueOf(1L << 30));
        assertThat(Quantities.value("2G")).isEqualByComparingTo("2000000000");
        assertThat(Quantities.value("nonsense")).isEqualByComparingTo("0");
    }

    @Test
    void coresAndBytesReadAsPeopleWriteThem() {
        assertThat(Quantities.cores("500m")).isEqualTo("0.5");
        assertThat(Quantities.cores("64")).isEqualTo("64");
        assertThat(Quantities.cores("2.25")).isEqualTo("2.3");
        assertThat(Quantities.bytes("536870912")).isEqualTo("512 MiB");
        assertThat(Quantities.bytes("256Gi")).isEqualTo("256 GiB");
        assertThat(Quantities.bytes("1649267441664")).isEqualTo("1.5 TiB");
        assertThat(Quantities.bytes("0")).isEqualTo("0 B");
    }

    @Test
    void aRecommendationBecomesARequestRoundedUp() {
        assertThat(Quantities.cpuRequest(new java.math.BigDecimal("0.2301"))).isEqualTo("240m");
        assertThat(Quantities.cpuRequest(new java.math.BigDecimal("0.001"))).isEqualTo("10m");
        assertThat(Quantities.memoryRequest(java.math.BigDecimal.valueOf(250L << 20), 64)).isEqualTo("256Mi");
        assertThat(Quantities.memoryRequest(java.math.BigDecimal.valueOf((300L << 20) + 1), 1)).isEqualTo("301Mi");
    }
}
