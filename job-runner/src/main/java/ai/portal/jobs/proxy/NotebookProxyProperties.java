package ai.portal.jobs.proxy;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The notebook proxy's settings ({@code portal.notebooks.proxy.*}).
 *
 * @param clientId      the Keycloak client browsers sign in with (authorization code with PKCE)
 * @param clientSecret  its secret; without one nobody can sign in and every notebook path answers 503
 * @param sessionCookie the name of the proxy's session cookie (distinct from the UI's on the same host)
 * @param recheckPeriod how often the members behind open WebSockets are checked again; a removed member's sockets
 *                      close within this period plus the team directory's cache time
 */
@ConfigurationProperties("portal.notebooks.proxy")
public record NotebookProxyProperties(@DefaultValue("notebook-proxy") String clientId,
                                      String clientSecret,
                                      @DefaultValue("PORTAL_NOTEBOOK_SESSION") String sessionCookie,
                                      @DefaultValue("30s") Duration recheckPeriod) {

    public boolean signInConfigured() {
        return clientSecret != null && !clientSecret.isBlank();
    }
}
