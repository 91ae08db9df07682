package ai.portal.ui.backend;

import java.net.URI;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** Where the backends are; the UI calls them with the signed-in user's access token. */
@ConfigurationProperties("portal.ui.backends")
public record BackendProperties(URI tenant, URI jobs, URI logs, URI metrics) {

    /** GPU metrics are served by logging-pipeline unless another address is set. */
    public URI metricsOrLogs() {
        return metrics != null ? metrics : logs;
    }
}
