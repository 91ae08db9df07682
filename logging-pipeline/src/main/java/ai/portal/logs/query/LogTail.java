package ai.portal.logs.query;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import ai.portal.logs.record.LogLevels;
import ai.portal.logs.kubernetes.PodLogSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The live tail: Server-Sent Events {@code log} (a {@link LogLine}, id {@code <epoch nanos>_<log id>}) and
 * {@code notice} (where the lines come from). Each connection polls OpenSearch every {@code tail-poll} for lines
 * from {@code tail-grace} before its cursor on, and skips the ones it already sent: a line that becomes visible a
 * little after a newer one (another file, another bulk) is still delivered. A reconnect with {@code Last-Event-ID}
 * continues strictly after that event in (timestamp, id) order. When OpenSearch fails, the stream says so and
 * continues from the Kubernetes pod log API until OpenSearch answers again. See {@code DESIGN.md}.
 */
@Component
public class LogTail {

    private static final Logger log = LoggerFactory.getLogger(LogTail.class);
    private static final int PAGE = 1000;
    private static final int MAX_PAGES_PER_POLL = 10;
    /** The pod log API is asked at most this often per stream: it lists pods and reads logs on every call. */
    private static final Duration POD_POLL = Duration.ofSeconds(1);

    /** What the {@code notice} event carries. */
    public record Notice(String source, String message) {
    }

    private final LogSearch search;
    private final PodLogSource pods;
    private final QueryProperties properties;

    public LogTail(LogSearch search, PodLogSource pods, QueryProperties properties) {
        this.search = search;
        this.pods = pods;
        this.properties = properties;
    }

    public Flux<ServerSentEvent<Object>> tail(String namespace, LogFilter filter, String lastEventId) {
        return Flux.defer(() -> {
            State state = new State(namespace, filter);
            Flux<ServerSentEvent<Object>> start;
            if (lastEventId != null && !lastEventId.isBlank()) {
                state.cursor = LogSearch.Cursor.parseEventId(lastEventId.strip());
                start = seedSeen(state).thenMany(Flux.empty());
            } else {
                start = backlog(state);
            }
            Flux<ServerSentEvent<Object>> polls = Flux.interval(properties.tailPoll())
                    .onBackpressureDrop()
                    .concatMap(tick -> poll(state), 1);
            Flux<ServerSentEvent<Object>> heartbeats = Flux.interval(properties.heartbeat())
                    .map(tick -> ServerSentEvent.builder().comment("keep-alive").build());
            return Flux.merge(start.concatWith(polls), heartbeats);
        });
    }

    private static final class State {
        final String namespace;
        final LogFilter filter;
        LogSearch.Cursor cursor;
        /** ids sent whose timestamp is still within the grace window, with their epoch nanos */
        final Map<String, Long> seen = new HashMap<>();
        boolean fallback;
        Instant podLogsAfter;
        long lastPodPollNanos;

        State(String namespace, LogFilter filter) {
            this.namespace = namespace;
            this.filter = filter;
        }
    }

    /** Without Last-Event-ID: the newest few lines, oldest of them first. */
    private Flux<ServerSentEvent<Object>> backlog(State state) {
        return search.newest(state.namespace, state.filter, null, properties.tailBacklog())
                .map(found -> {
                    List<LogSearch.Found> ascending = new ArrayList<>(found);
                    Collections.reverse(ascending);
                    return ascending;
                })
                .flatMapMany(lines -> {
                    if (lines.isEmpty()) {
                        state.cursor = LogSearch.Cursor.of(Instant.now().minus(properties.tailGrace()), "");
                    }
                    return Flux.fromIterable(lines).map(found -> deliver(state, found));
                })
                .onErrorResume(failure -> {
                    state.cursor = LogSearch.Cursor.of(Instant.now().minus(properties.tailGrace()), "");
                    return Flux.empty();
                });
    }

    /** After a reconnect: what lies at or before the cursor counts as sent. */
    private Mono<Void> seedSeen(State state) {
        Instant from = state.cursor.instant().minus(properties.tailGrace());
        return search.oldestFrom(state.namespace, state.filter, from, null, PAGE * MAX_PAGES_PER_POLL)
                .doOnNext(found -> found.stream()
                        .filter(f -> f.cursor().compareTo(state.cursor) <= 0)
                        .forEach(f -> state.seen.put(f.line().id(), f.cursor().epochNanos())))
                .onErrorResume(failure -> Mono.empty())
                .then();
    }

    private Flux<ServerSentEvent<Object>> poll(State state) {
        Instant from = state.cursor.instant().minus(properties.tailGrace());
        // back from the fallback: lines up to the cursor went out from the pod log API under other ids
        Mono<Void> before = state.fallback ? seedSeen(state) : Mono.empty();
        return before.thenMany(pages(state, from, null, 0))
                .collectList()
                .flatMapMany(lines -> {
                    List<ServerSentEvent<Object>> events = new ArrayList<>();
                    if (state.fallback) {
                        state.fallback = false;
                        events.add(notice(new Notice("opensearch", "OpenSearch answers again; lines come from the log store.")));
                    }
                    lines.stream().filter(found -> !state.seen.containsKey(found.line().id()))
                            .forEach(found -> events.add(deliver(state, found)));
                    long horizon = state.cursor.epochNanos() - properties.tailGrace().toNanos();
                    state.seen.values().removeIf(nanos -> nanos < horizon);
                    return Flux.fromIterable(events);
                })
                .onErrorResume(failure -> fallback(state, failure));
    }

    private Flux<LogSearch.Found> pages(State state, Instant from, LogSearch.Cursor after, int page) {
        return search.oldestFrom(state.namespace, state.filter, from, after, PAGE)
                .flatMapMany(found -> {
                    Flux<LogSearch.Found> these = Flux.fromIterable(found);
                    if (found.size() < PAGE || page + 1 >= MAX_PAGES_PER_POLL) {
                        return these;
                    }
                    return these.concatWith(pages(state, from, found.getLast().cursor(), page + 1));
                });
    }

    private Flux<ServerSentEvent<Object>> fallback(State state, Throwable failure) {
        List<ServerSentEvent<Object>> events = new ArrayList<>();
        if (!state.fallback) {
            state.fallback = true;
            state.podLogsAfter = state.cursor.instant();
            log.info("Live tail of {} falls back to the pod log API: {}", state.namespace, failure.toString());
            events.add(notice(pods.available()
                    ? new Notice("kubernetes", "OpenSearch is unavailable; lines come from the Kubernetes pod log API.")
                    : new Notice("none", "OpenSearch is unavailable and no cluster is configured; waiting for OpenSearch.")));
        }
        if (!pods.available() || System.nanoTime() - state.lastPodPollNanos < POD_POLL.toNanos()) {
            return Flux.fromIterable(events);
        }
        state.lastPodPollNanos = System.nanoTime();
        PodLogSource.Selection selection = new PodLogSource.Selection(state.filter.pod(), state.filter.container(),
                state.filter.workload() == null ? null : properties.workloadLabel(), state.filter.workload());
        return Flux.fromIterable(events).concatWith(pods.after(state.namespace, selection, state.podLogsAfter)
                .filter(line -> state.filter.stream() == null)
                .filter(line -> state.filter.level() == null || state.filter.level().equals(LogLevels.detect(line.message())))
                .filter(line -> state.filter.text() == null || line.message().contains(state.filter.text()))
                .sort((a, b) -> a.time().compareTo(b.time()))
                .map(line -> {
                    if (line.time().isAfter(state.podLogsAfter)) {
                        state.podLogsAfter = line.time();
                    }
                    LogSearch.Cursor cursor = LogSearch.Cursor.of(line.time(), "");
                    if (cursor.compareTo(state.cursor) > 0) {
                        state.cursor = cursor;
                    }
                    LogLine logLine = new LogLine(null, line.time(), state.namespace, line.pod(), line.container(),
                            null, null, line.message(), Map.of());
                    return ServerSentEvent.<Object>builder(logLine).event("log").id(cursor.eventId()).build();
                })
                .onErrorResume(podLogFailure -> Flux.empty()));
    }

    private ServerSentEvent<Object> deliver(State state, LogSearch.Found found) {
        state.seen.put(found.line().id(), found.cursor().epochNanos());
        if (state.cursor == null || found.cursor().compareTo(state.cursor) > 0) {
            state.cursor = found.cursor();
        }
        return ServerSentEvent.<Object>builder(found.line()).event("log").id(found.cursor().eventId()).build();
    }

    private static ServerSentEvent<Object> notice(Notice notice) {
        return ServerSentEvent.<Object>builder(notice).event("notice").build();
    }

}
