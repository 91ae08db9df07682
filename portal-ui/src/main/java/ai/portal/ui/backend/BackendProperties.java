package ai.portal.ui.backend;

import java.net.URI;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** Where the backends are; the UI calls them with the signed-in user's access token. */
@ConfigurationProperties("portal.ui.backends")
public record BackendProperties(URI tenant, URI jobs, URI logs) {
}
