package ai.portal.jobs.launch;

import java.time.Instant;
import java.util.List;

import ai.portal.jobs.status.KubernetesEvent;
import ai.portal.jobs.status.PeakUsage;
import ai.portal.jobs.status.RightSizing;
import ai.portal.jobs.status.WorkloadView;
import ai.portal.jobs.workload.WorkloadEvent;
import io.swagger.v3.oas.annotations.media.Schema;

/** One workload for its detail page: status now, what happened to it, and what Kubernetes said about it. */
@Schema(description = "A workload with its status timeline, queue decisions and Kubernetes events")
public record WorkloadDetail(
        WorkloadView workload,
        @Schema(description = "Phase changes and queue decisions, oldest first; kept after the objects are gone")
        List<HistoryEntry> history,
        @Schema(description = "Kubernetes events of its objects and pods, oldest first, in plain language")
        List<KubernetesEvent> events,
        @Schema(description = "Its requests against what the cluster's VPA recommender measured it to need")
        RightSizing rightSizing,
        @Schema(description = "The most its container used over the last 7 days (Prometheus); absent where the "
                + "portal has no Prometheus or nothing was measured yet")
        PeakUsage peakUsage) {

    @Schema(description = "One entry of the history")
    public record HistoryEntry(Instant at,
                               @Schema(description = "phase, admitted, waiting, preempted, evicted, requeued") String type,
                               @Schema(description = "The phase entered, for phase entries") String phase,
                               String reason, String message) {

        static HistoryEntry of(WorkloadEvent event) {
            return new HistoryEntry(event.at(), event.type(), event.phase(), event.reason(), event.message());
        }
    }
}
