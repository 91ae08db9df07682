package ai.portal.jobs.proxy;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ai.portal.jobs.proxy.NotebookPages.Page;
import ai.portal.jobs.serving.ServingService;
import ai.portal.jobs.serving.ServingService.NoServer;
import ai.portal.platform.problem.ApiException;
import ai.portal.platform.team.TeamNames;
import ai.portal.platform.team.TeamPermission;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
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
 */
class ModelProxyFilter implements GatewayFilter {

    private static final Logger log = LoggerFactory.getLogger(ModelProxyFilter.class);
    /** {@code /models/<team>/<name>/<path>}: the deployment's name is a DNS label. */
    private static final Pattern PATH = Pattern.compile("/models/([^/]+)/([a-z0-9-]{1,63})(/.*)?");

    private final NotebookAccess access;
    private final ServingService serving;
    private final String sessionCookie;

    ModelProxyFilter(NotebookAccess access, ServingService serving, String sessionCookie) {
        this.access = access;
        this.serving = serving;
        this.sessionCookie = sessionCookie;
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
                    return access.check(login, team, TeamPermission.VIEW)
                            .then(serving.route(team, name))
                            .flatMap(server -> chain.filter(ServerRequests.toServer(exchange, server.podIp(),
                                    server.port(), rest, sessionCookie)).thenReturn(true))
                            .onErrorResume(failure -> NotebookPages.write(exchange, pageFor(failure, login, team),
                                    team).thenReturn(false));
                })
                .switchIfEmpty(Mono.defer(() -> NotebookPages.write(exchange, Page.MODEL_FORBIDDEN, team)
                        .thenReturn(false)))
                .then();
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
