package ai.portal.jobs.proxy;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import ai.portal.jobs.proxy.NotebookProxyFilter.SocketAccess;
import ai.portal.platform.problem.ApiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.reactive.socket.server.WebSocketService;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Open WebSockets to notebooks (kernels, terminals) outlive the request that passed the access check, so their
 * users are checked again every {@code recheck-period}: a socket whose user was removed from the team (or signed
 * out) is closed with 1008 (policy violation). A team directory that cannot answer closes nothing: an outage of
 * tenant-service does not cut everyone's kernels.
 */
class NotebookSockets implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(NotebookSockets.class);
    static final CloseStatus ACCESS_ENDED = CloseStatus.POLICY_VIOLATION.withReason("access to the notebook ended");

    private final NotebookAccess access;
    private final Duration period;
    private final Map<WebSocketSession, SocketAccess> open = new ConcurrentHashMap<>();
    private volatile Disposable rechecks;

    NotebookSockets(NotebookAccess access, Duration period) {
        this.access = access;
        this.period = period;
    }

    /** The gateway's WebSocket service, with every notebook socket it opens to the browser tracked here. */
    WebSocketService tracking(WebSocketService delegate) {
        return new WebSocketService() {
            @Override
            public Mono<Void> handleRequest(ServerWebExchange exchange, WebSocketHandler handler) {
                SocketAccess who = exchange.getAttribute(NotebookProxyFilter.SOCKET_ACCESS);
                if (who == null) {
                    return delegate.handleRequest(exchange, handler);
                }
                return delegate.handleRequest(exchange, new WebSocketHandler() {
                    @Override
                    public java.util.List<String> getSubProtocols() {
                        return handler.getSubProtocols();
                    }

                    @Override
                    public Mono<Void> handle(WebSocketSession session) {
                        open.put(session, who);
                        return handler.handle(session).doFinally(signal -> open.remove(session));
                    }
                });
            }
        };
    }

    int openCount() {
        return open.size();
    }

    Mono<Void> recheck() {
        return Flux.fromIterable(Map.copyOf(open).entrySet())
                .flatMap(entry -> access.check(entry.getValue().login(), entry.getValue().team())
                        .then(Mono.<Void>empty())
                        .onErrorResume(failure -> ended(failure) ? close(entry.getKey(), entry.getValue())
                                : Mono.empty()), 8)
                .then();
    }

    private Mono<Void> close(WebSocketSession session, SocketAccess who) {
        log.info("notebook proxy: closing a WebSocket of {} to {}/{}: access ended", who.login().getName(),
                who.team(), who.name());
        open.remove(session);
        return session.close(ACCESS_ENDED).onErrorResume(failure -> Mono.empty());
    }

    private static boolean ended(Throwable failure) {
        return failure instanceof NotebookAccess.SignedOut || failure instanceof ApiException api
                && api.getStatusCode().value() != HttpStatus.SERVICE_UNAVAILABLE.value();
    }

    @Override
    public synchronized void start() {
        rechecks = Flux.interval(period, period)
                .onBackpressureDrop()
                .concatMap(tick -> recheck().onErrorResume(failure -> {
                    log.warn("notebook proxy: re-checking open WebSockets failed", failure);
                    return Mono.empty();
                }))
                .subscribe();
    }

    @Override
    public synchronized void stop() {
        if (rechecks != null) {
            rechecks.dispose();
            rechecks = null;
        }
    }

    @Override
    public boolean isRunning() {
        return rechecks != null;
    }
}
