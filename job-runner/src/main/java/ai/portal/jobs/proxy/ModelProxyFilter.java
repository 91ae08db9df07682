package ai.portal.jobs.proxy;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ai.portal.jobs.proxy.NotebookPages.Page;
import ai.portal.jobs.serving.ServingService;
import ai.portal.jobs.serving.ServingService.ModelServer;
import ai.portal.jobs.serving.ServingService.NoServer;
import ai.portal.platform.problem.ApiException;
import ai.portal.platform.team.TeamNames;
import ai.portal.platform.team.TeamPermission;
import io.github.bucket4j.ConsumptionProbe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The model gateway's decision for one request to {@code /models/<team>/<name>/<path>}: the same sign-in and
 * per-request team check as notebooks and MLflow ({@link NotebookAccess}), by a client's bearer token (or a
 * browser's session). Calling a model changes nothing in the team, so any role in it may (viewers too); other teams
 * and users without a portal role are refused. A browser's POST must come from the proxy's own origin. The request
 * goes to a Ready replica of the deployment (pod informer) as {@code /<path>} — {@code /invocations},
 * {@code /ping}, {@code /version} of {@code mlflow models serve} — without the caller's token or session cookie.
 * A deployment's API key ({@link ModelKeyAuthentication}) opens that deployment only (403 elsewhere). Each caller
 * (key or member) gets the deployment's rate limit ({@link ModelRateLimiter}: 429 with {@code Retry-After} over it);
 * what reaches a deployment is counted and timed ({@link ModelMetrics}).
 */
class ModelProxyFilter implements GatewayFilter {

    private static final Logger log = LoggerFactory.getLogger(ModelProxyFilter.class);
    /** {@code /models/<team>/<name>/<path>}: the deployment's name is a DNS label. */
    private static final Pattern PATH = Pattern.compile("/models/([^/]+)/([a-z0-9-]{1,63})(/.*)?");

    private final NotebookAccess access;
    private final ServingService serving;
    private final String sessionCookie;
    private final ModelRateLimiter limiter;
    private final ModelMetrics metrics;

    ModelProxyFilter(NotebookAccess access, ServingService serving, String sessionCookie, ModelRateLimiter limiter,
                     ModelMetrics metrics) {
        this.access = access;
        this.serving = serving;
        this.sessionCookie = sessionCookie;
        this.limiter = limiter;
        this.metrics = metrics;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        var request = exchange.getRequest();
        Matcher path = PATH.matcher(request.getPath().pathWithinApplication().value());
        if (!path.matches() || !TeamNames.isSlug(path.group(1))) {
            return NotebookPages.write(exchange, Page.MODEL_NOT_FOUND, "?");
        }
        String team = path.group(1);
        String name = path.group(2);
        String rest = path.group(3) == null || path.group(3).isEmpty() ? "/" : path.group(3);
        return exchange.getPrincipal()
                .cast(Authentication.class)
                .flatMap(login -> {
                    if (ServerRequests.crossSiteChange(exchange, login)) {
                        return NotebookPages.write(exchange, Page.MODEL_CROSS_SITE, team).thenReturn(false);
                    }
                    String caller;
                    Mono<?> allowed;
                    if (login instanceof ModelKeyAuthentication key) {
                        // a key opens its own deployment only
                        if (!key.opens(team, name)) {
                            log.info("model gateway: {} of {}/{} refused on {}/{}", key.getName(),
                                    key.grant().team(), key.grant().deployment(), team, name);
                            return NotebookPages.write(exchange, Page.MODEL_KEY_FORBIDDEN, team).thenReturn(false);
                        }
                        caller = key.getName();
                        allowed = Mono.empty();
                    } else {
                        caller = "user:" + login.getName();
                        allowed = access.check(login, team, TeamPermission.VIEW);
                    }
                    return allowed
                            .then(serving.route(team, name))
                            .flatMap(server -> forward(exchange, chain, team, name, rest, caller, server))
                            .onErrorResume(failure -> NotebookPages.write(exchange, pageFor(failure, login, team),
                                    team).thenReturn(false));
                })
                .switchIfEmpty(Mono.defer(() -> NotebookPages.write(exchange, Page.MODEL_FORBIDDEN, team)
                        .thenReturn(false)))
                .then();
    }

    /** Past the rate limit, to the server, timed; or 429 with {@code Retry-After}. */
    private Mono<Boolean> forward(ServerWebExchange exchange, GatewayFilterChain chain, String team, String name,
                                  String rest, String caller, ModelServer server) {
        long start = System.nanoTime();
        ConsumptionProbe probe = limiter.take(caller, team + "/" + name, server.rateLimit());
        if (!probe.isConsumed()) {
            metrics.record(team, name, "rate_limited", System.nanoTime() - start);
            exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER,
                    Long.toString(ModelRateLimiter.retryAfterSeconds(probe)));
            return NotebookPages.write(exchange, Page.MODEL_RATE_LIMITED, team).thenReturn(false);
        }
        return chain.filter(ServerRequests.toServer(exchange, server.podIp(), server.port(), rest, sessionCookie))
                .doOnEach(signal -> {
                    if (signal.isOnComplete() || signal.isOnError()) {
                        var status = exchange.getResponse().getStatusCode();
                        metrics.record(team, name, ModelMetrics.outcome(signal.isOnError() || status == null ? null
                                : status.value()), System.nanoTime() - start);
                    }
                })
                .thenReturn(true);
    }

    private static Page pageFor(Throwable failure, Authentication login, String team) {
        Page page = switch (failure) {
            case NoServer missing -> missing.deployed() ? Page.MODEL_NOT_RUNNING : Page.MODEL_NOT_FOUND;
            case NotebookAccess.SignedOut signedOut -> Page.MODEL_FORBIDDEN;
            case ApiException api when api.getStatusCode().value() == HttpStatus.SERVICE_UNAVAILABLE.value() ->
                    Page.UNAVAILABLE;
            case ApiException api -> Page.MODEL_FORBIDDEN;
            default -> {
                log.warn("model gateway: access to team {} failed", team, failure);
                yield Page.UNAVAILABLE;
            }
        };
        if (page == Page.MODEL_FORBIDDEN) {
            log.info("model gateway: {} refused on team {}", login == null ? "?" : login.getName(), team);
        }
        return page;
    }
}
