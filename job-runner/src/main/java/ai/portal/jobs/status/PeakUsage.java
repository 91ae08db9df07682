package ai.portal.jobs.status;

import java.math.BigDecimal;
import java.time.Instant;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * The most a workload's container used over the last days, as Prometheus recorded it (the kubelet's resource
 * metrics): what a request can be compared with ("requested 8 CPU, used at most 1.2 over 7 days"). The VPA
 * recommender's target says what to ask for; the peak says what was really needed at the busiest moment, over the
 * workload's whole life up to {@link PeakUsageReader#WINDOW} (restarts included: a notebook's pod keeps its name).
 *
 * @param since  the start of the window read: the workload's creation, or {@code WINDOW} ago if it is older
 * @param until  when it was read
 * @param cpu    the highest CPU use of one pod's container in cores (a one-minute rate), null when not measured
 * @param memory the highest working set of one pod's container in bytes, null when not measured
 */
@Schema(description = "The most the workload's container used over the last 7 days (or since it was created), "
        + "from Prometheus")
public record PeakUsage(@Schema(description = "Start of the window") Instant since,
                        @Schema(description = "End of the window (now)") Instant until,
                        @Schema(description = "Highest CPU use of one pod, in cores (1-minute rate)") BigDecimal cpu,
                        @Schema(description = "Highest memory working set of one pod, in bytes") BigDecimal memory) {
}
