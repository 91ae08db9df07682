package ai.portal.logs.query;

import java.time.Instant;
import java.util.List;

import ai.portal.platform.security.CurrentUser;
import ai.portal.platform.team.TeamAuthorizer;
import ai.portal.platform.team.TeamGrant;
import ai.portal.platform.team.TeamPermission;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** A team's container logs: search (paged, newest first, or as a text download) and live tail. */
@RestController
@RequestMapping("/api/v1/teams/{team}/logs")
@Tag(name = "logs", description = "Container logs of a team's notebooks and jobs")
public class LogController {

    private final TeamAuthorizer access;
    private final LogSearch search;
    private final LogTail tail;
    private final QueryProperties properties;

    public LogController(TeamAuthorizer access, LogSearch search, LogTail tail, QueryProperties properties) {
        this.access = access;
        this.search = search;
        this.tail = tail;
        this.properties = properties;
    }

    @GetMapping(produces = {MediaType.APPLICATION_JSON_VALUE, MediaType.TEXT_PLAIN_VALUE})
    @Operation(summary = "Search a team's logs",
            description = "Newest first. Page with 'after' (the 'next' of the previous page). format=text returns "
                    + "plain lines as a download. Only the team's namespace is ever searched.")
    @ApiResponse(responseCode = "200", description = "A page of lines",
            content = {@Content(mediaType = "application/json", schema = @Schema(implementation = LogPage.class)),
                    @Content(mediaType = "text/plain", schema = @Schema(type = "string"))})
    @ApiResponse(responseCode = "404", description = "No such team, or the caller is not in it (alike on purpose)")
    public Mono<ResponseEntity<?>> search(
            @AuthenticationPrincipal Jwt token,
            @PathVariable String team,
            @Parameter(description = "Workload: value of the pod label portal.logs.query.workload-label") @RequestParam(required = false) String workload,
            @RequestParam(required = false) String pod,
            @RequestParam(required = false) String container,
            @Parameter(description = "stdout or stderr") @RequestParam(required = false) String stream,
            @Parameter(description = "trace, debug, info, warn, error or fatal") @RequestParam(required = false) String level,
            @Parameter(description = "Free text (simple_query_string syntax on the message: + | - \" * ( ))") @RequestParam(required = false) String q,
            @Parameter(description = "From (inclusive), ISO-8601") @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant since,
            @Parameter(description = "Until (exclusive), ISO-8601") @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant until,
            @Parameter(description = "Lines per page (JSON: at most portal.logs.query.max-page-size; text: max-download)") @RequestParam(defaultValue = "100") int size,
            @Parameter(description = "Cursor: the 'next' of the previous page") @RequestParam(required = false) String after,
            @Parameter(description = "json (default) or text") @RequestParam(defaultValue = "json") String format) {
        boolean text = "text".equals(format);
        if (!text && !"json".equals(format)) {
            return Mono.error(new LogQueryExceptions.InvalidFilter("format", "format must be json or text."));
        }
        int max = text ? properties.maxDownload() : properties.maxPageSize();
        if (size < 1 || size > max) {
            return Mono.error(new LogQueryExceptions.InvalidFilter("size", "size must be between 1 and " + max + "."));
        }
        LogFilter filter;
        LogSearch.Cursor cursor;
        try {
            filter = new LogFilter(workload, pod, container, stream, level, q, since, until)
                    .validated(properties.maxTextLength());
            cursor = after == null || after.isBlank() ? null : LogSearch.Cursor.parseToken(after);
        } catch (LogQueryExceptions.InvalidFilter invalid) {
            return Mono.error(invalid);
        }
        return namespaceOf(team, token)
                .flatMap(namespace -> search.newest(namespace, filter, cursor, size)
                        .onErrorMap(failure -> !(failure instanceof LogQueryExceptions.InvalidFilter),
                                failure -> new LogQueryExceptions.SearchUnavailable()))
                .map(found -> text ? asText(team, found) : asJson(found, size));
    }

    @GetMapping(path = "/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @Operation(summary = "Live tail of a team's logs (Server-Sent Events)",
            description = "Events 'log' (a LogLine; id '<epoch nanos>_<log id>') within about 2 s of being written, "
                    + "and 'notice' ({source, message}) when the source changes: 'kubernetes' when OpenSearch is "
                    + "unavailable and lines come from the pod log API, 'opensearch' when it is back. Reconnect with "
                    + "Last-Event-ID to continue without gaps. Without it, the newest few lines come first.")
    @ApiResponse(responseCode = "200", description = "The event stream",
            content = @Content(mediaType = "text/event-stream", schema = @Schema(implementation = LogLine.class)))
    @ApiResponse(responseCode = "404", description = "No such team, or the caller is not in it (alike on purpose)")
    public Mono<ResponseEntity<Flux<ServerSentEvent<Object>>>> stream(
            @AuthenticationPrincipal Jwt token,
            @PathVariable String team,
            @RequestParam(required = false) String workload,
            @RequestParam(required = false) String pod,
            @RequestParam(required = false) String container,
            @RequestParam(required = false) String stream,
            @RequestParam(required = false) String level,
            @RequestParam(required = false) String q,
            @Parameter(description = "Alternative to the Last-Event-ID header, for clients that cannot set it")
            @RequestParam(name = "lastEventId", required = false) String lastEventIdParam,
            @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId) {
        LogFilter filter;
        String resumeFrom = lastEventId != null ? lastEventId : lastEventIdParam;
        try {
            filter = new LogFilter(workload, pod, container, stream, level, q, null, null)
                    .validated(properties.maxTextLength());
            if (resumeFrom != null && !resumeFrom.isBlank()) {
                LogSearch.Cursor.parseEventId(resumeFrom.strip());
            }
        } catch (LogQueryExceptions.InvalidFilter invalid) {
            return Mono.error(invalid);
        }
        return namespaceOf(team, token)
                .map(namespace -> ResponseEntity.ok()
                        .header(HttpHeaders.CACHE_CONTROL, "no-cache")
                        .header("X-Accel-Buffering", "no")
                        .contentType(MediaType.TEXT_EVENT_STREAM)
                        .body(tail.tail(namespace, filter, resumeFrom)));
    }

    /** The only place a query's namespace comes from: the team the caller may view. */
    private Mono<String> namespaceOf(String team, Jwt token) {
        return access.require(CurrentUser.from(token), team, TeamPermission.VIEW).map(TeamGrant::namespace);
    }

    private static ResponseEntity<?> asJson(List<LogSearch.Found> found, int size) {
        String next = found.size() == size ? found.getLast().cursor().token() : null;
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON)
                .body(new LogPage(found.stream().map(LogSearch.Found::line).toList(), next));
    }

    private static ResponseEntity<?> asText(String team, List<LogSearch.Found> found) {
        StringBuilder text = new StringBuilder();
        for (LogSearch.Found f : found) {
            LogLine line = f.line();
            text.append(line.timestamp()).append(' ').append(line.pod()).append('/').append(line.container())
                    .append(' ').append(line.stream()).append(' ').append(line.message()).append('\n');
        }
        return ResponseEntity.ok().contentType(new MediaType(MediaType.TEXT_PLAIN, java.nio.charset.StandardCharsets.UTF_8))
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + team + "-logs.txt\"")
                .body(text.toString());
    }
}
