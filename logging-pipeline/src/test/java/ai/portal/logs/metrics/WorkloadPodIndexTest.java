package ai.portal.logs.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import ai.portal.platform.team.PortalLabels;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;

class WorkloadPodIndexTest {

    private Instant now = Instant.parse("2026-11-29T10:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };

    private static Pod pod(String name, String workload, String instance) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace("team-a")
                .withLabels(Map.of(PortalLabels.WORKLOAD, workload, PortalLabels.INSTANCE, instance)).endMetadata()
                .withNewSpec().withNodeName("sim-h100-0").endSpec().build();
    }

    @Test
    void aWorkloadKeepsItsDeletedPodsForTheRetentionThenForgetsThem() {
        WorkloadPodIndex index = new WorkloadPodIndex("local-1", Duration.ofHours(6), clock);
        index.onAdd(pod("nb-0", "nb", "local-1"));
        index.onDelete(pod("nb-0", "nb", "local-1"), false);
        now = now.plusSeconds(60);
        Pod second = pod("nb-0", "nb", "local-1");
        index.onAdd(pod("train-abcde", "train", "local-1"));
        assertThat(index.of("team-a", "nb")).singleElement().satisfies(p -> assertThat(p.live()).isFalse());
        index.onAdd(second);
        assertThat(index.of("team-a", "nb")).singleElement().satisfies(p -> assertThat(p.live()).isTrue());
        assertThat(index.workloadOf("team-a", "train-abcde")).contains("train");

        index.onDelete(pod("train-abcde", "train", "local-1"), false);
        now = now.plus(Duration.ofHours(7));
        assertThat(index.of("team-a", "train")).isEmpty();
    }

    @Test
    void podsOfAnotherInstallationOrWithoutAWorkloadAreNotIndexed() {
        WorkloadPodIndex index = new WorkloadPodIndex("local-1", Duration.ofHours(6), clock);
        index.onAdd(pod("nb-0", "nb", "other-2"));
        index.onAdd(new PodBuilder().withNewMetadata().withName("x").withNamespace("team-a").endMetadata().build());
        assertThat(index.of("team-a", "nb")).isEmpty();
        assertThat(index.workloadOf("team-a", "x")).isEmpty();
    }

    @Test
    void aJobRetriedManyTimesKeepsItsNewestDeletedPods() {
        WorkloadPodIndex index = new WorkloadPodIndex("local-1", Duration.ofHours(6), clock);
        for (int i = 0; i < WorkloadPodIndex.MAX_REMEMBERED + 10; i++) {
            index.onAdd(pod("train-" + i, "train", "local-1"));
            now = now.plusSeconds(1);
            index.onDelete(pod("train-" + i, "train", "local-1"), false);
        }
        assertThat(index.of("team-a", "train")).hasSize(WorkloadPodIndex.MAX_REMEMBERED)
                .first().satisfies(p -> assertThat(p.name()).isEqualTo("train-" + (WorkloadPodIndex.MAX_REMEMBERED + 9)));
    }
}
