package ai.portal.jobs.proxy;

import java.net.URI;

import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * What the MLflow proxy and the model gateway do alike with a request they let through to a team's server (a
 * tracking server, a model server): the same-origin rule for a browser's changes, and the request as the server gets
 * it — its pod's address, without the caller's credentials.
 */
final class ServerRequests {

    private ServerRequests() {
    }

    /**
     * A browser's change (its session cookie rides along with any site's request) from another origin; a bearer
     * token or API key is no ambient credential, so bearer requests never are.
     */
    static boolean crossSiteChange(ServerWebExchange exchange, Authentication login) {
        var request = exchange.getRequest();
        return !(login instanceof JwtAuthenticationToken) && !(login instanceof ModelKeyAuthentication)
                && !NotebookProxyFilter.SAFE.contains(request.getMethod())
                && !NotebookProxyFilter.sameOrigin(request.getHeaders().getOrigin(), request.getHeaders());
    }

    /**
     * The request to {@code http://<podIp>:<port>}, with {@code path} instead of the caller's when not null: the
     * caller's {@code Authorization} and the proxy's session cookie stay with the proxy (the server needs none and
     * must not see them), and the {@code Origin}, checked already, is removed (the server would compare it with its
     * own host).
     */
    static ServerWebExchange toServer(ServerWebExchange exchange, String podIp, int port, String path,
                                      String sessionCookie) {
        URI routed = exchange.getRequiredAttribute(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR);
        var target = UriComponentsBuilder.fromUri(routed).scheme("http").host(podIp).port(port);
        if (path != null) {
            target.replacePath(path);
        }
        exchange.getAttributes().put(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR, target.build(true).toUri());
        return exchange.mutate().request(request -> request.headers(headers -> {
            headers.remove(HttpHeaders.AUTHORIZATION);
            NotebookProxyFilter.withoutCookie(headers, sessionCookie);
            headers.remove(HttpHeaders.ORIGIN);
        })).build();
    }
}
