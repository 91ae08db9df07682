package ai.portal.logs.query;

import java.time.Instant;
import java.util.Map;

import io.swagger.v3.oas.annotations.media.Schema;

/** One log line as the API returns it. */
@Schema(description = "One container log line")
public record LogLine(
        @Schema(description = "Stable id of the line (log_id)") String id,
        @Schema(description = "When the container wrote it (UTC, nanoseconds)") Instant timestamp,
        String namespace,
        String pod,
        String container,
        @Schema(description = "stdout or stderr") String stream,
        @Schema(description = "trace, debug, info, warn, error or fatal when the line states one", nullable = true) String level,
        String message,
        @Schema(description = "Pod labels, keys de-dotted as stored") Map<String, String> labels) {
}
