package ai.portal.jobs.serving;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import org.junit.jupiter.api.Test;

/** The HPA controller's rescale events read back as what drove each change, and the history merged without repeats. */
class ScalingHistoryTest {

    @Test
    void eachRescaleSaysWhichTargetDroveItAndWhichWay() {
        assertThat(change("New size: 3; reason: Service metric portal_model_requests_per_second above target"))
                .returns(3, ScalingChange::replicas).returns("up", ScalingChange::direction)
                .returns("requestsPerSecond", ScalingChange::metric);
        assertThat(change("New size: 4; reason: cpu resource utilization (percentage of request) above target"))
                .returns("cpuUtilization", ScalingChange::metric);
        assertThat(change("New size: 2; reason: memory resource utilization (percentage of request) above target"))
                .returns("memoryUtilization", ScalingChange::metric);
        assertThat(change("New size: 5; reason: pods metric gpu_utilization_percent above target"))
                .returns("gpuUtilization", ScalingChange::metric);
        assertThat(change("New size: 1; reason: All metrics below target"))
                .returns(1, ScalingChange::replicas).returns("down", ScalingChange::direction)
                .returns(null, ScalingChange::metric);
        assertThat(change("New size: 2; reason: Current number of replicas below Spec.MinReplicas"))
                .returns("bounds", ScalingChange::direction).returns(null, ScalingChange::metric);
        // other events of an HPA are not rescales
        assertThat(ScalingChange.of(event("FailedGetObjectMetric", "unable to get metric"))).isEmpty();
        assertThat(ScalingChange.of(event("SuccessfulRescale", "something else"))).isEmpty();
    }

    @Test
    void theRecordedAndTheLiveRescalesAreOneListOldestFirstEachOnce() {
        Instant t0 = Instant.parse("2026-11-30T10:00:00Z");
        ScalingChange out = ScalingChange.of(t0.plusSeconds(60), 3, "Service metric x above target");
        ScalingChange in = ScalingChange.of(t0.plusSeconds(300), 2, "All metrics below target");
        ScalingChange early = ScalingChange.of(t0.minusSeconds(60), 4, "All metrics below target");
        List<ScalingChange> merged = ScalingHistory.merged(List.of(out), List.of(in, out, early), t0);
        assertThat(merged).containsExactly(out, in);
    }

    private static ScalingChange change(String message) {
        return ScalingChange.of(event("SuccessfulRescale", message)).orElseThrow();
    }

    private static Event event(String reason, String message) {
        return new EventBuilder().withNewMetadata().withNamespace("team-a").withName("portal-model-churn.1")
                .endMetadata().withNewInvolvedObject().withKind("HorizontalPodAutoscaler")
                .withName("portal-model-churn").endInvolvedObject().withReason(reason).withMessage(message)
                .withLastTimestamp("2026-11-30T10:00:00Z").build();
    }
}
