package ai.portal.tenant.identity;

import java.util.concurrent.TimeUnit;

import ai.portal.platform.installation.Installation;
import jakarta.ws.rs.client.Client;
import org.keycloak.OAuth2Constants;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.KeycloakBuilder;
import org.keycloak.admin.client.spi.ResteasyClientClassicProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The Keycloak admin client (client-credentials grant of {@code tenant-service-admin}) and the door around it. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(IdentityProperties.class)
public class IdentityConfiguration {

    private static final Logger log = LoggerFactory.getLogger(IdentityConfiguration.class);

    /** Closed with the context: {@link Keycloak#close()} closes its HTTP client and connection pool. */
    @Bean(destroyMethod = "close")
    public Keycloak keycloak(IdentityProperties properties) {
        return newKeycloak(properties);
    }

    @Bean
    public KeycloakAdmin keycloakAdmin(Keycloak keycloak, IdentityProperties properties) {
        return new KeycloakAdmin(keycloak, properties);
    }

    @Bean
    public KeycloakTeamSync keycloakTeamSync(KeycloakAdmin admin, Installation installation) {
        return new KeycloakTeamSync(admin, installation.id());
    }

    /**
     * A client that fetches and refreshes its own token. It does not connect until the first call, so a missing
     * Keycloak does not stop the service from starting; the first call then fails with an actionable message.
     */
    public static Keycloak newKeycloak(IdentityProperties properties) {
        if (properties.clientSecret().isBlank()) {
            log.warn("portal.identity.client-secret (TENANT_ADMIN_CLIENT_SECRET) is empty: every Keycloak admin "
                    + "call will be refused until it is set");
        }
        // Keycloak's own builder (its Jackson provider and pool), with timeouts so a hung Keycloak cannot hold
        // boundedElastic threads forever.
        Client http = ResteasyClientClassicProvider.createClientBuilder()
                .connectTimeout(properties.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(properties.readTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .build();
        return KeycloakBuilder.builder()
                .serverUrl(properties.serverUrl())
                .realm(properties.realm())
                .grantType(OAuth2Constants.CLIENT_CREDENTIALS)
                .clientId(properties.clientId())
                .clientSecret(properties.clientSecret())
                .resteasyClient(http)
                .build();
    }
}
