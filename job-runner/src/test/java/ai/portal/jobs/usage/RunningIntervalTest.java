package ai.portal.jobs.usage;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import org.junit.jupiter.api.Test;

class RunningIntervalTest {

    static PodBuilder pod() {
        return new PodBuilder().withNewMetadata().withUid("pod-1")
                .addToLabels("portal.ai/workload-id", "11111111-2222-4333-8444-555555555555")
                .addToLabels("portal.ai/team", "vision").addToLabels("portal.ai/owner", "sub-alice").endMetadata()
                .withNewSpec().addToNodeSelector("nvidia.com/gpu.product", "Tesla-T4")
                .addNewContainer().withName("main").withNewResources()
                .addToRequests("cpu", new Quantity("1500m")).addToRequests("memory", new Quantity("2Gi"))
                .addToRequests("nvidia.com/gpu", new Quantity("2")).endResources().endContainer().endSpec();
    }

    @Test
    void aRunningPodIsAnOpenIntervalWithWhatItHolds() {
        Pod running = pod().withNewStatus().withPhase("Running").addNewContainerStatus().withName("main")
                .withNewState().withNewRunning().withStartedAt("2026-01-01T10:00:00Z").endRunning().endState()
                .endContainerStatus().endStatus().build();
        RunningInterval interval = RunningInterval.of(running).orElseThrow();
        assertThat(interval.start()).isEqualTo(Instant.parse("2026-01-01T10:00:00Z"));
        assertThat(interval.end()).isNull();
        assertThat(interval.gpus()).isEqualTo(2);
        assertThat(interval.gpuType()).isEqualTo("Tesla-T4");
        assertThat(interval.cpuMillis()).isEqualTo(1500);
        assertThat(interval.memoryBytes()).isEqualTo(2L << 30);
        assertThat(interval.team()).isEqualTo("vision");
    }

    @Test
    void aFinishedPodIsClosedAtItsContainersFinish() {
        Pod done = pod().withNewStatus().withPhase("Succeeded").addNewContainerStatus().withName("main")
                .withNewState().withNewTerminated().withExitCode(0).withStartedAt("2026-01-01T10:00:00Z")
                .withFinishedAt("2026-01-01T10:05:00Z").endTerminated().endState().endContainerStatus().endStatus()
                .build();
        assertThat(RunningInterval.of(done).orElseThrow().end()).isEqualTo(Instant.parse("2026-01-01T10:05:00Z"));
    }

    @Test
    void aModelServersPodIsAnIntervalOfItsDeployment() {
        Pod server = new PodBuilder().withNewMetadata().withUid("pod-2").addToLabels("portal.ai/team", "vision")
                .addToLabels("portal.ai/component", "model-server").addToLabels("portal.ai/model-deployment", "churn")
                .endMetadata()
                .withNewSpec().addNewContainer().withName("server").withNewResources()
                .addToRequests("cpu", new Quantity("500m")).addToRequests("memory", new Quantity("1Gi"))
                .endResources().endContainer().endSpec()
                .withNewStatus().withPhase("Running").addNewContainerStatus().withName("server")
                .withNewState().withNewRunning().withStartedAt("2026-01-01T10:00:00Z").endRunning().endState()
                .endContainerStatus().endStatus().build();
        RunningInterval interval = RunningInterval.of(server).orElseThrow();
        assertThat(interval.workloadId()).isNull();
        assertThat(interval.modelDeployment()).isEqualTo("churn");
        assertThat(interval.team()).isEqualTo("vision");
        assertThat(interval.cpuMillis()).isEqualTo(500);
        assertThat(interval.gpus()).isZero();
    }

    @Test
    void aPodThatNeverRanIsNoInterval() {
        Pod pending = pod().withNewStatus().withPhase("Pending").endStatus().build();
        assertThat(RunningInterval.of(pending)).isEmpty();
    }
}
