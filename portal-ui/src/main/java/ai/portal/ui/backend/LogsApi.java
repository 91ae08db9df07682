package ai.portal.ui.backend;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** logging-pipeline's payloads as the UI reads them. */
public final class LogsApi {

    private LogsApi() {
    }

    /** One container log line; {@code level} is trace/debug/info/warn/error/fatal when the line states one. */
    public record LogLine(String id, Instant timestamp, String namespace, String pod, String container, String stream,
                          String level, String message, Map<String, String> labels) {
    }

    public record LogPage(List<LogLine> lines, String next) {

        public LogPage {
            lines = lines == null ? List.of() : lines;
        }
    }

    /** A change of where live lines come from: {@code opensearch}, {@code kubernetes} (fallback) or {@code none}. */
    public record Notice(String source, String message) {
    }

    /** What to show: one workload's lines, optionally only a level and a free-text search. */
    public record Filter(String workload, String level, String text) {
    }
}
