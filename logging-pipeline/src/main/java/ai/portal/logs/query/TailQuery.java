package ai.portal.logs.query;

import io.swagger.v3.oas.annotations.Parameter;

/** The query parameters of a live tail, bound from the request. */
public record TailQuery(
        @Parameter(description = "Workload: value of the pod label portal.logs.query.workload-label") String workload,
        @Parameter(description = "Pod name") String pod,
        @Parameter(description = "Container name") String container,
        @Parameter(description = "stdout or stderr") String stream,
        @Parameter(description = "trace, debug, info, warn, error or fatal") String level,
        @Parameter(description = "Free text the message must contain") String q,
        @Parameter(description = "Alternative to the Last-Event-ID header, for clients that cannot set it")
        String lastEventId) {

    LogFilter filter(QueryProperties limits) {
        return new LogFilter(workload, pod, container, stream, level, q, null, null).validated(limits.maxTextLength());
    }
}
