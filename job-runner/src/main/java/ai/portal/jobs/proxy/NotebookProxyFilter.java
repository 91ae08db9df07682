package ai.portal.jobs.proxy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import ai.portal.jobs.proxy.NotebookPages.Page;
import ai.portal.jobs.proxy.NotebookTargets.NoTarget;
import ai.portal.jobs.proxy.NotebookTargets.Target;
import ai.portal.platform.problem.ApiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.UriComponentsBuilder;
import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The proxy's decision for one request, after the gateway made the request URL and before it routes: the path
 * names a notebook; a change or a WebSocket comes from the proxy's own origin; the signed-in user may use the
 * team's notebooks (asked again for every request, answers cached for a few seconds by the team directory); the
 * notebook runs. Then the request goes to the pod's IP with the notebook's token in {@code Authorization} (the
 * browser never sees it) and without the proxy's session cookie (Jupyter and the code it runs never see that).
 */
class NotebookProxyFilter implements GatewayFilter {

    /** Exchange attribute naming who opened a WebSocket to which notebook, for {@link NotebookSockets}. */
    static final String SOCKET_ACCESS = NotebookProxyFilter.class.getName() + ".socket";

    /** Exchange attribute with the notebook's token, for {@link #TOKEN_SCRUBBER}; never logged. */
    private static final String TOKEN = NotebookProxyFilter.class.getName() + ".token";
    private static final Logger log = LoggerFactory.getLogger(NotebookProxyFilter.class);
    /**
     * The longest a browser waits for the access decision (token refresh at Keycloak, membership at tenant-service,
     * each bounded on its own) before it gets the "unavailable" page, and the wait is logged with what was pending.
     */
    static final java.time.Duration DECISION_TIMEOUT = java.time.Duration.ofSeconds(30);
    /** Methods that change nothing (the proxies of notebooks and MLflow both read them so). */
    static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

    private final NotebookAccess access;
    private final NotebookTargets targets;
    private final String sessionCookie;

    NotebookProxyFilter(NotebookAccess access, NotebookTargets targets, String sessionCookie) {
        this.access = access;
        this.targets = targets;
        this.sessionCookie = sessionCookie;
    }

    /** Who, on which notebook: kept with an open WebSocket so it can be checked again. */
    record SocketAccess(Authentication login, String team, String name) {
    }

    private sealed interface Decision {
    }

    private record Proceed(Authentication login, NotebookPath path, Target target) implements Decision {
    }

    private record Refuse(Page page) implements Decision {
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        var request = exchange.getRequest();
        var parsed = NotebookPath.parse(request.getPath().pathWithinApplication().value());
        if (parsed.isEmpty()) {
            return NotebookPages.write(exchange, Page.NOT_FOUND, "?");
        }
        NotebookPath path = parsed.get();
        if (path.bare()) {
            exchange.getResponse().setStatusCode(HttpStatus.FOUND);
            exchange.getResponse().getHeaders().setLocation(URI.create(path.basePath()));
            return exchange.getResponse().setComplete();
        }
        boolean socket = isWebSocket(request.getHeaders());
        String origin = request.getHeaders().getOrigin();
        if ((socket || !SAFE.contains(request.getMethod())) && !sameOrigin(origin, request.getHeaders())) {
            return NotebookPages.write(exchange, Page.CROSS_SITE, path.team());
        }
        return exchange.getPrincipal()
                .cast(Authentication.class)
                .flatMap(login -> access.check(login, path.team())
                        .then(targets.find(path.team(), path.name()))
                        .timeout(DECISION_TIMEOUT)
                        .<Decision>map(target -> new Proceed(login, path, target))
                        .onErrorResume(failure -> Mono.just(new Refuse(pageFor(failure, login, path)))))
                .defaultIfEmpty(new Refuse(Page.FORBIDDEN))
                .flatMap(decision -> switch (decision) {
                    case Refuse refuse -> NotebookPages.write(exchange, refuse.page(), path.team());
                    case Proceed proceed -> chain.filter(toPod(exchange, proceed, socket, origin));
                });
    }

    private ServerWebExchange toPod(ServerWebExchange exchange, Proceed proceed, boolean socket, String origin) {
        Target target = proceed.target();
        URI routed = exchange.getRequiredAttribute(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR);
        URI pod = UriComponentsBuilder.fromUri(routed).scheme("http").host(target.podIp()).port(target.port())
                .build(true).toUri();
        exchange.getAttributes().put(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR, pod);
        if (socket) {
            exchange.getAttributes().put(SOCKET_ACCESS,
                    new SocketAccess(proceed.login(), proceed.path().team(), proceed.path().name()));
        }
        exchange.getAttributes().put(TOKEN, target.token());
        return exchange.mutate().request(request -> request.headers(headers -> {
            headers.set(HttpHeaders.AUTHORIZATION, "token " + target.token());
            // identity bodies, so the token can be taken out of pages (see withoutToken)
            headers.remove(HttpHeaders.ACCEPT_ENCODING);
            withoutCookie(headers, sessionCookie);
            if (origin != null) {
                // checked above against this proxy's own origin; Jupyter compares it with the Host it is reached by
                headers.setOrigin("http://" + hostPort(target));
            }
        })).build();
    }

    /**
     * JupyterLab writes the server's token into its page config when the request was token-authenticated, which
     * every proxied request is: pages (HTML) have the token taken out before they reach the browser. The frontend
     * needs no token behind the proxy, which adds it to every request. Runs before the gateway's response writer
     * (which writes to the response it was given), and finds the token the decision put on the exchange.
     */
    static final GatewayFilter TOKEN_SCRUBBER = (exchange, chain) -> chain.filter(exchange.mutate()
            .response(withoutToken(exchange)).build());

    private static ServerHttpResponse withoutToken(ServerWebExchange exchange) {
        return new ServerHttpResponseDecorator(exchange.getResponse()) {
            @Override
            public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
                String token = exchange.getAttribute(TOKEN);
                MediaType type = getHeaders().getContentType();
                if (token == null || type == null || !MediaType.TEXT_HTML.isCompatibleWith(type)) {
                    return super.writeWith(body);
                }
                return DataBufferUtils.join(Flux.from(body)).flatMap(joined -> {
                    byte[] bytes = new byte[joined.readableByteCount()];
                    joined.read(bytes);
                    DataBufferUtils.release(joined);
                    byte[] scrubbed = new String(bytes, StandardCharsets.UTF_8).replace(token, "")
                            .getBytes(StandardCharsets.UTF_8);
                    getHeaders().setContentLength(scrubbed.length);
                    return super.writeWith(Mono.just(bufferFactory().wrap(scrubbed)));
                });
            }
        };
    }

    private Page pageFor(Throwable failure, Authentication login, NotebookPath path) {
        Page page = switch (failure) {
            case NoTarget missing -> missing.why == NotebookTargets.Missing.NOT_FOUND ? Page.NOT_FOUND
                    : Page.NOT_RUNNING;
            case NotebookAccess.SignedOut signedOut -> Page.FORBIDDEN;
            case ApiException api when api.getStatusCode().value() == HttpStatus.SERVICE_UNAVAILABLE.value() ->
                    Page.UNAVAILABLE;
            case ApiException api -> Page.FORBIDDEN;
            default -> {
                log.warn("notebook proxy: access to {}/{} failed", path.team(), path.name(), failure);
                yield Page.UNAVAILABLE;
            }
        };
        if (page == Page.FORBIDDEN) {
            log.info("notebook proxy: {} refused on notebook {}/{}", name(login), path.team(), path.name());
        }
        return page;
    }

    private static String name(Principal login) {
        return login == null ? "?" : login.getName();
    }

    private static String hostPort(Target target) {
        return target.podIp().contains(":") ? "[" + target.podIp() + "]:" + target.port()
                : target.podIp() + ":" + target.port();
    }

    static boolean isWebSocket(HttpHeaders headers) {
        return "websocket".equalsIgnoreCase(headers.getUpgrade());
    }

    /** A browser names the page's origin on every change and WebSocket; it must be this proxy's own. */
    static boolean sameOrigin(String origin, HttpHeaders headers) {
        if (origin == null || origin.isBlank() || "null".equals(origin)) {
            return false;
        }
        String host = headers.getFirst(HttpHeaders.HOST);
        try {
            URI uri = URI.create(origin);
            String authority = uri.getRawAuthority();
            return host != null && authority != null && (authority.equalsIgnoreCase(host)
                    || authority.equalsIgnoreCase(withDefaultPort(host, uri.getScheme()))
                    || withDefaultPort(authority, uri.getScheme()).equalsIgnoreCase(host));
        } catch (IllegalArgumentException malformed) {
            return false;
        }
    }

    private static String withDefaultPort(String authority, String scheme) {
        if (authority.matches(".*:\\d+$")) {
            return authority;
        }
        return authority + ("https".equalsIgnoreCase(scheme) ? ":443" : ":80");
    }

    static void withoutCookie(HttpHeaders headers, String name) {
        var cookies = headers.get(HttpHeaders.COOKIE);
        if (cookies == null) {
            return;
        }
        String kept = cookies.stream().flatMap(line -> Arrays.stream(line.split(";")))
                .map(String::trim).filter(pair -> !pair.isEmpty() && !pair.startsWith(name + "="))
                .collect(Collectors.joining("; "));
        if (kept.isEmpty()) {
            headers.remove(HttpHeaders.COOKIE);
        } else {
            headers.set(HttpHeaders.COOKIE, kept);
        }
    }
}
