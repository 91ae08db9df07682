package ai.portal.ui.backend;

import java.net.URI;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where the backends are; the UI calls them with the signed-in user's access token. {@code notebooks} is where
 * browsers open notebooks (the job runner's public URL, its notebook proxy); the jobs URL unless set.
 */
@ConfigurationProperties("portal.ui.backends")
public record BackendProperties(URI tenant, URI jobs, URI logs, URI metrics, URI notebooks) {

    public URI notebooksOrJobs() {
        return notebooks != null ? notebooks : jobs;
    }

    /** GPU metrics are served by logging-pipeline unless another address is set. */
    public URI metricsOrLogs() {
        return metrics != null ? metrics : logs;
    }
}
