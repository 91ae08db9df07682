package ai.portal.logs.query;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import ai.portal.logs.kubernetes.PodLogSource;
import ai.portal.logs.record.LogLevels;
import ai.portal.platform.team.TeamAccessDenied;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The live tail: Server-Sent Events {@code log} (a {@link LogLine}), {@code notice} (where the lines come from),
 * {@code gap} (lines this stream skipped, with the range to fetch them from the search API) and {@code closed} (why
 * the server ended the stream). See {@code DESIGN.md} beside this class for the protocol and why it is correct at
 * any rate.
 */
@Component
public class LogTail {

    private static final Logger log = LoggerFactory.getLogger(LogTail.class);
    /** Lines per search page; positions per page of the late-line check. */
    private static final int PAGE = 1000;
    private static final int POSITIONS_PAGE = 10_000;
    /** The pod log API is asked at most this often per stream: it reads logs on every call. */
    private static final Duration POD_POLL = Duration.ofSeconds(1);

    /** What the {@code notice} event carries. */
    public record Notice(String source, String message) {
    }

    /** What the {@code gap} event carries: lines between {@code from} and {@code to} were not sent. */
    public record Gap(Instant from, Instant to, String reason, String message) {
    }

    /** What the {@code closed} event carries, just before the server ends the stream. */
    public record Closed(String reason, String message) {
    }

    private final LogSearch search;
    private final PodLogSource pods;
    private final QueryProperties properties;

    public LogTail(LogSearch search, PodLogSource pods, QueryProperties properties) {
        this.search = search;
        this.pods = pods;
        this.properties = properties;
    }

    /**
     * @param access  completes empty while the caller may still read the namespace, errors once not
     * @param expires when the caller's token expires (the stream ends then; the client reconnects with a new one)
     */
    public Flux<ServerSentEvent<Object>> tail(String namespace, LogFilter filter, String lastEventId,
                                              Mono<Void> access, Instant expires) {
        return Flux.defer(() -> {
            State state = new State(namespace, filter);
            Flux<ServerSentEvent<Object>> start = lastEventId != null && !lastEventId.isBlank()
                    ? resume(state, LogSearch.Cursor.parseEventId(lastEventId.strip()))
                    : backlog(state);
            Flux<ServerSentEvent<Object>> polls = Flux.interval(properties.tailPoll())
                    .onBackpressureDrop()
                    .concatMap(tick -> poll(state), 1);
            // headers and a first byte at once, so a client with a short read timeout sees the stream is alive
            Flux<ServerSentEvent<Object>> heartbeats = Flux.interval(Duration.ZERO, properties.heartbeat())
                    .map(tick -> ServerSentEvent.builder().comment(tick == 0 ? "connected" : "keep-alive").build());
            Mono<ServerSentEvent<Object>> end = ended(access, expires).cache();
            return Flux.merge(start.concatWith(polls), heartbeats).takeUntilOther(end).concatWith(end);
        });
    }

    /** The first of: the token expires, or a periodic access check fails. */
    private Mono<ServerSentEvent<Object>> ended(Mono<Void> access, Instant expires) {
        Instant now = Instant.now();
        Mono<Closed> expired = expires.isAfter(now.plus(Duration.ofDays(365))) ? Mono.never()
                : Mono.delay(expires.isBefore(now) ? Duration.ZERO : Duration.between(now, expires))
                        .thenReturn(new Closed("token-expired",
                                "Your access token expired; reconnect with a new one and Last-Event-ID to continue."));
        Mono<Closed> revoked = Flux.interval(properties.accessRecheck())
                .concatMap(tick -> access.thenReturn(true)
                        .onErrorResume(denied -> Mono.just(!isAccessDenied(denied))), 1)
                .filter(allowed -> !allowed)
                .next()
                .thenReturn(new Closed("access-revoked",
                        "You are no longer allowed to read this team's logs."));
        return Mono.firstWithValue(expired, revoked)
                .map(closed -> ServerSentEvent.<Object>builder(closed).event("closed").build());
    }

    private static boolean isAccessDenied(Throwable failure) {
        return failure instanceof TeamAccessDenied;
    }

    private static final class State {
        final String namespace;
        final LogFilter filter;
        /** The newest position sent: lines after it are new; the id of every event. */
        LogSearch.Cursor cursor;
        /** Nothing older than this is looked for any more (after a gap, or the start of the stream). */
        Instant floor;
        /** ids sent whose time is still within the late window, with their epoch nanos */
        final Map<String, Long> sent = new HashMap<>();
        long lastPollNanos = System.nanoTime();
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
                .flatMapMany(found -> {
                    List<LogSearch.Found> ascending = new ArrayList<>(found);
                    Collections.reverse(ascending);
                    Instant recent = Instant.now().minus(properties.tailGrace());
                    // each event's id is the position after it: start before the first backlog line
                    state.cursor = ascending.isEmpty() ? LogSearch.Cursor.of(recent, "") : LogSearch.Cursor.of(Instant.EPOCH, "");
                    state.floor = ascending.isEmpty() ? recent : ascending.getFirst().line().timestamp();
                    return Flux.fromIterable(ascending).map(f -> deliver(state, f));
                })
                .onErrorResume(failure -> {
                    state.cursor = LogSearch.Cursor.of(Instant.now().minus(properties.tailGrace()), "");
                    state.floor = state.cursor.instant();
                    return Flux.empty();
                });
    }

    /**
     * After a reconnect: continue after the cursor; what lies at or before it within the late window counts as sent.
     * A cursor older than {@code max-resume} starts there instead, with a {@code gap} event for what lies before.
     */
    private Flux<ServerSentEvent<Object>> resume(State state, LogSearch.Cursor cursor) {
        Instant oldest = Instant.now().minus(properties.maxResume());
        Flux<ServerSentEvent<Object>> gap = Flux.empty();
        if (cursor.instant().isBefore(oldest)) {
            gap = Flux.just(gap(new Gap(cursor.instant(), oldest, "resume-limit",
                    "A stream resumes at most " + properties.maxResume() + " back; search the logs for older lines.")));
            cursor = LogSearch.Cursor.of(oldest, "");
        }
        state.cursor = cursor;
        state.floor = cursor.instant().minus(properties.tailGrace());
        return gap.concatWith(markSent(state).thenMany(Flux.empty()));
    }

    /** Everything visible now at or before the cursor within the late window counts as sent. */
    private Mono<Void> markSent(State state) {
        return positionsUpTo(state, state.cursor)
                .doOnNext(position -> state.sent.put(position.logId(), position.epochNanos()))
                .onErrorResume(failure -> Mono.empty())
                .then();
    }

    private Flux<ServerSentEvent<Object>> poll(State state) {
        long now = System.nanoTime();
        // the rate bound: at most tail-rate lines per second of wall time, at most one second's worth at once
        long budget = Math.min(properties.tailRate(),
                Math.max(1, properties.tailRate() * (now - state.lastPollNanos) / 1_000_000_000L));
        state.lastPollNanos = now;
        Mono<Void> back = state.fallback ? markSent(state) : Mono.empty();
        return back.thenMany(Flux.concat(late(state), fresh(state, budget)))
                .collectList()
                .flatMapMany(events -> {
                    if (state.fallback) {
                        state.fallback = false;
                        events.addFirst(notice(new Notice("opensearch",
                                "OpenSearch answers again; lines come from the log store.")));
                    }
                    long horizon = LogSearch.Cursor.of(lateFrom(state), "").epochNanos();
                    state.sent.values().removeIf(nanos -> nanos < horizon);
                    return Flux.fromIterable(events);
                })
                .onErrorResume(failure -> fallback(state, failure));
    }

    /** Lines after the cursor, up to the budget; skips ahead with a {@code gap} when too far behind to catch up. */
    private Flux<ServerSentEvent<Object>> fresh(State state, long budget) {
        return pagesAfter(state, state.cursor, budget)
                .collectList()
                .flatMapMany(found -> {
                    List<ServerSentEvent<Object>> events = new ArrayList<>();
                    found.forEach(f -> events.add(deliver(state, f)));
                    Instant behind = Instant.now().minus(properties.maxLag());
                    if (found.size() >= budget && state.cursor.instant().isBefore(behind)) {
                        Instant from = state.cursor.instant();
                        Instant to = Instant.now().minus(properties.tailGrace());
                        state.cursor = LogSearch.Cursor.of(to, "");
                        state.floor = to;
                        state.sent.clear();
                        events.add(gap(new Gap(from, to, "rate", "This stream carries at most "
                                + properties.tailRate() + " lines/s and fell " + properties.maxLag().toSeconds()
                                + " s behind; the lines in between are in the search API.")));
                    }
                    return Flux.fromIterable(events);
                });
    }

    private Flux<LogSearch.Found> pagesAfter(State state, LogSearch.Cursor after, long budget) {
        int size = (int) Math.min(PAGE, budget);
        return search.oldestFrom(state.namespace, state.filter, after.instant(), after, size)
                .flatMapMany(found -> {
                    Flux<LogSearch.Found> these = Flux.fromIterable(found);
                    if (found.size() < size || budget - found.size() <= 0) {
                        return these;
                    }
                    return these.concatWith(pagesAfter(state, found.getLast().cursor(), budget - found.size()));
                });
    }

    /**
     * Lines that became visible after newer ones (another file, another bulk in flight): their positions lie at or
     * before the cursor. Only positions are read for the whole late window; whole lines only for those not sent.
     */
    private Flux<ServerSentEvent<Object>> late(State state) {
        return positionsUpTo(state, state.cursor)
                .filter(position -> !state.sent.containsKey(position.logId()))
                .map(LogSearch.Cursor::logId)
                .buffer(PAGE)
                .concatMap(ids -> search.byIds(state.namespace, state.filter, lateFrom(state), ids))
                .concatMapIterable(found -> found)
                .map(found -> deliver(state, found));
    }

    private Instant lateFrom(State state) {
        Instant window = state.cursor.instant().minus(properties.tailGrace());
        return window.isAfter(state.floor) ? window : state.floor;
    }

    private Flux<LogSearch.Cursor> positionsUpTo(State state, LogSearch.Cursor upTo) {
        return positionPages(state, lateFrom(state), upTo, null);
    }

    private Flux<LogSearch.Cursor> positionPages(State state, Instant from, LogSearch.Cursor upTo,
                                                 LogSearch.Cursor after) {
        return search.positions(state.namespace, state.filter, from, upTo, after, POSITIONS_PAGE)
                .flatMapMany(positions -> {
                    Flux<LogSearch.Cursor> these = Flux.fromIterable(positions);
                    return positions.size() < POSITIONS_PAGE ? these
                            : these.concatWith(positionPages(state, from, upTo, positions.getLast()));
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
                    return ServerSentEvent.<Object>builder(logLine).event("log").id(state.cursor.eventId()).build();
                })
                .onErrorResume(podLogFailure -> Flux.empty()));
    }

    /**
     * Sends a line. The event id is the stream's position after it (the newest line sent so far), not the line's
     * own: a late line is older than lines already sent, and a reconnect must not send those again.
     */
    private ServerSentEvent<Object> deliver(State state, LogSearch.Found found) {
        state.sent.put(found.line().id(), found.cursor().epochNanos());
        if (found.cursor().compareTo(state.cursor) > 0) {
            state.cursor = found.cursor();
        }
        return ServerSentEvent.<Object>builder(found.line()).event("log").id(state.cursor.eventId()).build();
    }

    private static ServerSentEvent<Object> notice(Notice notice) {
        return ServerSentEvent.<Object>builder(notice).event("notice").build();
    }

    private static ServerSentEvent<Object> gap(Gap gap) {
        return ServerSentEvent.<Object>builder(gap).event("gap").build();
    }
}
