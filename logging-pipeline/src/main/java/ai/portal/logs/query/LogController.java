package ai.portal.logs.query;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import ai.portal.platform.security.CurrentUser;
import ai.portal.platform.team.TeamAuthorizer;
import ai.portal.platform.team.TeamGrant;
import ai.portal.platform.team.TeamPermission;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springdoc.core.annotations.ParameterObject;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
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
    private final OpenStreams streams;

    public LogController(TeamAuthorizer access, LogSearch search, LogTail tail, QueryProperties properties,
                         OpenStreams streams) {
        this.streams = streams;
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
    public Mono<ResponseEntity<?>> search(@AuthenticationPrincipal Jwt token, @PathVariable String team,
                                          @ParameterObject SearchQuery query) {
        LogFilter filter;
        LogSearch.Cursor cursor;
        try {
            filter = query.filter(properties);
            cursor = query.cursor();
        } catch (LogQueryExceptions.InvalidFilter invalid) {
            return Mono.error(invalid);
        }
        int size = query.pageSize();
        return namespaceOf(team, token)
                .flatMap(namespace -> search.newest(namespace, filter, cursor, size)
                        .onErrorMap(failure -> !(failure instanceof LogQueryExceptions.InvalidFilter),
                                failure -> new LogQueryExceptions.SearchUnavailable()))
                .map(found -> query.text() ? asText(team, found) : asJson(found, size));
    }

    @GetMapping(path = "/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @Operation(summary = "Live tail of a team's logs (Server-Sent Events)",
            description = "A comment at once, then: 'log' events (a LogLine; id '<epoch nanos>_<log id>', the stream's "
                    + "position) within about 2 s of being written; 'notice' ({source, message}) when the source "
                    + "changes ('kubernetes' when OpenSearch is unavailable and lines come from the pod log API, "
                    + "'opensearch' when it is back); 'gap' ({from, to, reason, message}) when lines were skipped "
                    + "(reason 'rate': more than portal.logs.query.tail-rate lines/s for longer than max-lag; "
                    + "'resume-limit': Last-Event-ID older than max-resume), fetch them with the search API; "
                    + "'closed' ({reason, message}) right before the server ends the stream ('token-expired', "
                    + "'access-revoked'); comment heartbeats. Reconnect with Last-Event-ID to continue without gaps. "
                    + "Without it, the newest few lines come first.")
    @ApiResponse(responseCode = "429", description = "The caller holds portal.logs.query.max-streams-per-user streams already")
    @ApiResponse(responseCode = "200", description = "The event stream",
            content = @Content(mediaType = "text/event-stream", schema = @Schema(implementation = LogLine.class)))
    @ApiResponse(responseCode = "404", description = "No such team, or the caller is not in it (alike on purpose)")
    public Mono<ResponseEntity<Flux<ServerSentEvent<Object>>>> stream(
            @AuthenticationPrincipal Jwt token,
            @PathVariable String team,
            @ParameterObject TailQuery query,
            @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId) {
        LogFilter filter;
        String resumeFrom = lastEventId != null ? lastEventId : query.lastEventId();
        try {
            filter = query.filter(properties);
            if (resumeFrom != null && !resumeFrom.isBlank()) {
                LogSearch.Cursor.parseEventId(resumeFrom.strip());
            }
        } catch (LogQueryExceptions.InvalidFilter invalid) {
            return Mono.error(invalid);
        }
        String subject = CurrentUser.from(token).subject();
        return ReactiveSecurityContextHolder.getContext()
                .zipWith(namespaceOf(team, token))
                .map(contextAndNamespace -> {
                    // the stream re-checks access with the caller's own credentials for as long as it is open
                    SecurityContext caller = contextAndNamespace.getT1();
                    Mono<Void> access = Mono.defer(() -> namespaceOf(team, token)).then()
                            .contextWrite(ReactiveSecurityContextHolder.withSecurityContext(Mono.just(caller)));
                    Instant expires = token.getExpiresAt() != null ? token.getExpiresAt() : Instant.MAX;
                    streams.open(subject);
                    Flux<ServerSentEvent<Object>> events = tail.tail(contextAndNamespace.getT2(), filter, resumeFrom,
                            access, expires).doFinally(signal -> streams.close(subject));
                    return ResponseEntity.ok()
                            .header(HttpHeaders.CACHE_CONTROL, "no-cache")
                            .header("X-Accel-Buffering", "no")
                            .contentType(MediaType.TEXT_EVENT_STREAM)
                            .body(events);
                });
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
        return ResponseEntity.ok().contentType(new MediaType(MediaType.TEXT_PLAIN, StandardCharsets.UTF_8))
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + team + "-logs.txt\"")
                .body(text.toString());
    }
}
