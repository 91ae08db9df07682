package ai.portal.logs.query;

import java.time.Instant;
import java.util.Map;

import ai.portal.logs.record.LogRecord;
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

    /** The API's view of a stored record; {@code documentId} stands in for a record written without a log_id. */
    static LogLine of(LogRecord record, String documentId) {
        LogRecord.Kubernetes kubernetes = record.kubernetes() == null
                ? new LogRecord.Kubernetes(null, null, null, null, null, Map.of()) : record.kubernetes();
        return new LogLine(record.logId() != null ? record.logId() : documentId, record.timestamp(),
                kubernetes.namespaceName(), kubernetes.podName(), kubernetes.containerName(), record.stream(),
                record.level(), record.log(), kubernetes.labels());
    }
}
