package ai.portal.platform.security;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How a backend validates bearer tokens.
 *
 * @param issuerUri the Keycloak realm URL; must equal the tokens' {@code iss}
 * @param audience  this service's client id; tokens must name it in {@code aud}
 * @param clockSkew tolerance for {@code exp}/{@code nbf} between Keycloak's clock and ours
 * @param signedInPaths API paths that need a valid token but no portal role (where someone without access asks
 *                      for it); every other {@code /api/v1} path needs {@code platform-admin} or
 *                      {@code data-scientist}
 * @param issuerTimeout how long one request to the issuer (discovery, keys) may take: a slow Keycloak then fails the
 *                      request that needed it with 401 instead of holding it without end
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
}
