package ai.portal.jobs.status;

import java.time.Instant;

import io.swagger.v3.oas.annotations.media.Schema;

/** A Kubernetes event about a workload, said plainly, with the original beside it. */
@Schema(description = "A Kubernetes event about the workload, in plain language")
public record KubernetesEvent(Instant at, @Schema(description = "Normal or Warning") String type,
                              @Schema(example = "FailedScheduling") String reason,
                              @Schema(example = "no node fits it yet: 0/13 nodes are available ...") String text,
                              @Schema(description = "The object it is about, e.g. Pod nb-0") String object,
                              int count, @Schema(description = "The original message") String message) {
}
