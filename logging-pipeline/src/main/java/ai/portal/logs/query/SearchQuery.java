package ai.portal.logs.query;

import java.time.Instant;

import io.swagger.v3.oas.annotations.Parameter;
import org.springframework.format.annotation.DateTimeFormat;

/**
 * The query parameters of a log search, bound from the request ({@code ?workload=...&size=...}).
 *
 * @param size   lines per page; 100 when absent
 * @param format json (default) or text
 */
public record SearchQuery(
        @Parameter(description = "Workload: value of the pod label portal.logs.query.workload-label") String workload,
        @Parameter(description = "Pod name") String pod,
        @Parameter(description = "Container name") String container,
        @Parameter(description = "stdout or stderr") String stream,
        @Parameter(description = "trace, debug, info, warn, error or fatal") String level,
        @Parameter(description = "Free text (simple_query_string syntax on the message: + | - \" * ( ))") String q,
        @Parameter(description = "From (inclusive), ISO-8601")
        @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant since,
        @Parameter(description = "Until (exclusive), ISO-8601")
        @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant until,
        @Parameter(description = "Lines per page (JSON: at most portal.logs.query.max-page-size; text: max-download); default 100")
        Integer size,
        @Parameter(description = "Cursor: the 'next' of the previous page") String after,
        @Parameter(description = "json (default) or text") String format) {

    static final int DEFAULT_SIZE = 100;

    boolean text() {
        return "text".equals(format);
    }

    int pageSize() {
        return size == null ? DEFAULT_SIZE : size;
    }

    /** The filter, checked; a bad value is a 400 naming the parameter. */
    LogFilter filter(QueryProperties limits) {
        if (format != null && !format.equals("json") && !format.equals("text")) {
            throw new LogQueryExceptions.InvalidFilter("format", "format must be json or text.");
        }
        int max = text() ? limits.maxDownload() : limits.maxPageSize();
        if (pageSize() < 1 || pageSize() > max) {
            throw new LogQueryExceptions.InvalidFilter("size", "size must be between 1 and " + max + ".");
        }
        return new LogFilter(workload, pod, container, stream, level, q, since, until).validated(limits.maxTextLength());
    }

    /** Where the page starts: after the cursor of the previous page, or at the newest line. */
    LogSearch.Cursor cursor() {
        return after == null || after.isBlank() ? null : LogSearch.Cursor.parseToken(after);
    }
}
