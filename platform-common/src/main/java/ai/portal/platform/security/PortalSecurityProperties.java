package ai.portal.platform.security;

import java.net.URI;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How a backend validates bearer tokens.
 *
 * @param issuerUri the Keycloak realm URL; must equal the tokens' {@code iss}
 * @param audience  this service's client id; tokens must name it in {@code aud}
 * @param clockSkew tolerance for {@code exp}/{@code nbf} between Keycloak's clock and ours
 */
@ConfigurationProperties("portal.security")
public record PortalSecurityProperties(
        URI issuerUri,
        String audience,
        @DefaultValue("30s") Duration clockSkew) {
}
