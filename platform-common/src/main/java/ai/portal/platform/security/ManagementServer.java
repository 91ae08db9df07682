package ai.portal.platform.security;

import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.web.server.ServerWebExchange;

/**
 * The port of the management server, once it listens ({@code management.server.port}, which {@code ./portal} and
 * the Helm chart always set). Requests that arrive on it may read health, info and metrics without a token: the
 * port is not exposed outside the pod (probes and Prometheus reach it; the NetworkPolicy keeps others out). The
 * API port does not serve the actuator at all then. The management context is a child of the application's, so the
 * application's security filter sees its requests too: this matcher tells them apart by the local port.
 */
public class ManagementServer implements ApplicationListener<WebServerInitializedEvent> {

    static final String MANAGEMENT_NAMESPACE = "management";

    private volatile int port = -1;

    @Override
    public void onApplicationEvent(WebServerInitializedEvent event) {
        if (MANAGEMENT_NAMESPACE.equals(event.getApplicationContext().getServerNamespace())) {
            port = event.getWebServer().getPort();
        }
    }

    /** Matches requests that arrived on the management port; none while there is no separate one. */
    public ServerWebExchangeMatcher requests() {
        return exchange -> isManagementRequest(exchange) ? ServerWebExchangeMatcher.MatchResult.match()
                : ServerWebExchangeMatcher.MatchResult.notMatch();
    }

    private boolean isManagementRequest(ServerWebExchange exchange) {
        var local = exchange.getRequest().getLocalAddress();
        return port > 0 && local != null && local.getPort() == port;
    }
}
