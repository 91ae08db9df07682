package ai.portal.ui.backend;

import java.time.Duration;
import java.util.function.Consumer;

import ai.portal.ui.backend.LogsApi.Filter;
import ai.portal.ui.backend.LogsApi.LogLine;
import ai.portal.ui.backend.LogsApi.LogPage;
import ai.portal.ui.backend.LogsApi.Notice;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.util.UriBuilder;
import java.util.function.Supplier;

import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.util.retry.Retry;
import tools.jackson.databind.json.JsonMapper;

/**
 * logging-pipeline, as the UI uses it: a page of a workload's lines, the text download, and the live tail (Server-Sent
 * Events, resumed after the last seen event when the connection drops, so no line is lost or shown twice).
 */
public class LogsClient {

    private static final ParameterizedTypeReference<ServerSentEvent<String>> EVENT = new ParameterizedTypeReference<>() { };

    private final RestClient rest;
    private final WebClient streaming;
    private final UserTokens tokens;
    private final JsonMapper json;

    LogsClient(RestClient rest, WebClient streaming, UserTokens tokens, JsonMapper json) {
        this.rest = rest;
        this.streaming = streaming;
        this.tokens = tokens;
        this.json = json;
    }

    /** The newest lines, newest first. */
    public LogPage newest(String team, Filter filter, int size) {
        return Calls.call(Backend.LOGS, () -> rest.get()
                .uri(uri -> query(uri.path("/api/v1/teams/{team}/logs"), filter).queryParam("size", size).build(team))
                .retrieve().body(LogPage.class));
    }

    /** Up to {@code size} lines as plain text, for a download. */
    public byte[] text(String team, Filter filter, int size) {
        return Calls.call(Backend.LOGS, () -> rest.get()
                .uri(uri -> query(uri.path("/api/v1/teams/{team}/logs"), filter).queryParam("size", size)
                        .queryParam("format", "text").build(team))
                .accept(MediaType.TEXT_PLAIN).retrieve().body(byte[].class));
    }

    /**
     * Follows the team's lines matching the filter until the returned handle is disposed. Must be called with the
     * user's security context: their token is taken now (and again on each reconnect while it is still there).
     */
    public Disposable tail(String team, Filter filter, LogLine after, Consumer<LogLine> onLine,
                           Consumer<Notice> onNotice, Consumer<BackendException> onFailure) {
        Supplier<String> token = tokens.ofCurrentUser(Backend.LOGS);
        String[] lastEventId = {after == null ? null : eventId(after)};
        return Flux.defer(() -> streaming.get()
                        .uri(uri -> {
                            query(uri.path("/api/v1/teams/{team}/logs/stream"), filter);
                            if (lastEventId[0] != null) {
                                uri.queryParam("lastEventId", lastEventId[0]);
                            }
                            return uri.build(team);
                        })
                        .headers(headers -> headers.setBearerAuth(token.get()))
                        .accept(MediaType.TEXT_EVENT_STREAM)
                        .retrieve()
                        .bodyToFlux(EVENT))
                // a dropped connection resumes after the last event seen, with a fresh token
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofSeconds(1)).maxBackoff(Duration.ofSeconds(10))
                        .filter(failure -> !(failure instanceof WebClientResponseException response)
                                || response.getStatusCode().is5xxServerError()))
                .subscribe(event -> {
                    if (event.id() != null) {
                        lastEventId[0] = event.id();
                    }
                    if (event.data() == null) {
                        return; // heartbeat
                    }
                    if ("notice".equals(event.event())) {
                        onNotice.accept(json.readValue(event.data(), Notice.class));
                    } else {
                        onLine.accept(json.readValue(event.data(), LogLine.class));
                    }
                }, failure -> onFailure.accept(failure instanceof WebClientResponseException response
                        ? new BackendException(Backend.LOGS, response.getStatusCode().value(), null, null,
                        java.util.List.of(), failure)
                        : BackendException.unreachable(Backend.LOGS, failure)));
    }

    /** The stream's event id of a line ({@code <epoch nanos>_<log id>}): the tail resumes right after it. */
    static String eventId(LogLine line) {
        long nanos = line.timestamp().getEpochSecond() * 1_000_000_000L + line.timestamp().getNano();
        return nanos + "_" + line.id();
    }

    private static UriBuilder query(UriBuilder uri, Filter filter) {
        if (filter.workload() != null) {
            uri.queryParam("workload", filter.workload());
        }
        if (filter.level() != null) {
            uri.queryParam("level", filter.level());
        }
        if (filter.text() != null && !filter.text().isBlank()) {
            uri.queryParam("q", filter.text());
        }
        return uri;
    }
}
