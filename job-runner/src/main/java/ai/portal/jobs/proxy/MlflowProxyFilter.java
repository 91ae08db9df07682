package ai.portal.jobs.proxy;

import java.net.URI;
import java.util.regex.Pattern;

import ai.portal.jobs.proxy.NotebookPages.Page;
import ai.portal.jobs.tracking.TrackingResources;
import ai.portal.jobs.tracking.TrackingService;
import ai.portal.platform.problem.ApiException;
import ai.portal.platform.team.TeamNames;
import ai.portal.platform.team.TeamPermission;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The MLflow proxy's decision for one request to {@code /mlflow/<team>/…}: the same sign-in and per-request team
 * check as notebooks ({@link NotebookAccess}), by a browser's session or a client's bearer token (the MLflow client's
 * {@code MLFLOW_TRACKING_TOKEN}). Reading needs any role in the team (viewers too); changing runs, experiments or
 * models needs owner or member. MLflow answers some reads to POST (searches): those count as reads. A browser's
 * change must come from the proxy's own origin. The request goes to the team's Ready server with the path unchanged
 * (the server's {@code --static-prefix} is {@code /mlflow/<team>}), without the caller's token or session cookie.
 */
class MlflowProxyFilter implements GatewayFilter {

    private static final Logger log = LoggerFactory.getLogger(MlflowProxyFilter.class);
    private static final String PREFIX = "/mlflow/";
    /** MLflow's read-only endpoints that take POST: searches of runs, experiments, models, traces. */
    private static final Pattern READ_BY_POST = Pattern.compile(
            "/(ajax-)?api/[23]\\.0/mlflow/(runs|experiments|registered-models|model-versions|logged-models|traces)"
                    + "/search");

    private final NotebookAccess access;
    private final TrackingService tracking;
    private final String sessionCookie;

    MlflowProxyFilter(NotebookAccess access, TrackingService tracking, String sessionCookie) {
        this.access = access;
        this.tracking = tracking;
        this.sessionCookie = sessionCookie;
    }

    /** What a request needs: reading for safe methods and MLflow's searches, else changing. */
    static TeamPermission need(HttpMethod method, String pathAfterTeam) {
        return NotebookProxyFilter.SAFE.contains(method) || (HttpMethod.POST.equals(method)
                && READ_BY_POST.matcher(pathAfterTeam).matches()) ? TeamPermission.VIEW : TeamPermission.EDIT;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        var request = exchange.getRequest();
        String path = request.getPath().pathWithinApplication().value();
        String[] parts = path.startsWith(PREFIX) ? path.substring(PREFIX.length()).split("/", 2) : new String[0];
        if (parts.length == 0 || !TeamNames.isSlug(parts[0])) {
            return NotebookPages.write(exchange, Page.TRACKING_NOT_RUNNING, "?");
        }
        String team = parts[0];
        if (parts.length == 1) {
            exchange.getResponse().setStatusCode(HttpStatus.FOUND);
            exchange.getResponse().getHeaders().setLocation(URI.create(TrackingResources.pathPrefix(team) + "/"));
            return exchange.getResponse().setComplete();
        }
        TeamPermission need = need(request.getMethod(), "/" + parts[1]);
        return exchange.getPrincipal()
                .cast(Authentication.class)
                .flatMap(login -> {
                    if (ServerRequests.crossSiteChange(exchange, login)) {
                        return NotebookPages.write(exchange, Page.TRACKING_CROSS_SITE, team).thenReturn(false);
                    }
                    return access.check(login, team, need)
                            .then(Mono.fromSupplier(() -> tracking.readyServer(team)))
                            .flatMap(server -> server.isEmpty()
                                    ? NotebookPages.write(exchange, Page.TRACKING_NOT_RUNNING, team).thenReturn(false)
                                    : chain.filter(ServerRequests.toServer(exchange, server.get().podIp(),
                                    server.get().port(), null, sessionCookie)).thenReturn(true))
                            .onErrorResume(failure -> NotebookPages.write(exchange, pageFor(failure, login, team),
                                    team).thenReturn(false));
                })
                .switchIfEmpty(Mono.defer(() -> NotebookPages.write(exchange, Page.TRACKING_FORBIDDEN, team)
                        .thenReturn(false)))
                .then();
    }

    private static Page pageFor(Throwable failure, Authentication login, String team) {
        Page page = switch (failure) {
            case NotebookAccess.SignedOut signedOut -> Page.TRACKING_FORBIDDEN;
            case ApiException api when api.getStatusCode().value() == HttpStatus.SERVICE_UNAVAILABLE.value() ->
                    Page.UNAVAILABLE;
            case ApiException api -> Page.TRACKING_FORBIDDEN;
            default -> {
                log.warn("mlflow proxy: access to team {} failed", team, failure);
                yield Page.UNAVAILABLE;
            }
        };
        if (page == Page.TRACKING_FORBIDDEN) {
            log.info("mlflow proxy: {} refused on team {}", login == null ? "?" : login.getName(), team);
        }
        return page;
    }
}
