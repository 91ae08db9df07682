package ai.portal.platform.security;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import io.netty.channel.ChannelOption;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.netty.http.client.HttpClient;

/**
 * How a backend validates bearer tokens.
 *
 * @param issuerUri the Keycloak realm URL; must equal the tokens' {@code iss}
 * @param audience  this service's client id; tokens must name it in {@code aud}
 * @param clockSkew tolerance for {@code exp}/{@code nbf} between Keycloak's clock and ours
 * @param signedInPaths API paths that need a valid token but no portal role (where someone without access asks
 *                      for it); every other {@code /api/v1} path needs {@code platform-admin} or
 *                      {@code data-scientist}
 * @param issuerTimeout how long one request to the issuer (discovery, keys, a sign-in's code exchange) may take: a
 *                      slow Keycloak then fails the request that needed it instead of holding it without end
 */
@ConfigurationProperties("portal.security")
public record PortalSecurityProperties(
        URI issuerUri,
        String audience,
        @DefaultValue("30s") Duration clockSkew,
        @DefaultValue List<String> signedInPaths,
        @DefaultValue("10s") Duration issuerTimeout) {

    public PortalSecurityProperties {
        signedInPaths = signedInPaths == null ? List.of() : List.copyOf(signedInPaths);
    }

    /**
     * A client for the issuer's endpoints with {@link #issuerTimeout} to connect and to answer. Spring's default
     * client has neither: one request Keycloak never answered held whatever waited on it for minutes.
     */
    public WebClient issuerClient() {
        HttpClient http = HttpClient.create()
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) issuerTimeout.toMillis())
                .responseTimeout(issuerTimeout);
        return WebClient.builder().clientConnector(new ReactorClientHttpConnector(http)).build();
    }
}
