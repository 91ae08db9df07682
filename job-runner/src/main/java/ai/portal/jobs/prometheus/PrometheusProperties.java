package ai.portal.jobs.prometheus;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where the job runner reads metrics ({@code portal.prometheus.*}).
 *
 * @param url            Prometheus' base URL (its HTTP API v1); blank: no metrics, and what needs them says so (the
 *                       idle culler decides by Jupyter's activity alone, a workload's detail shows no peak usage)
 * @param requestTimeout for one query
 */
@ConfigurationProperties("portal.prometheus")
public record PrometheusProperties(@DefaultValue("") String url, @DefaultValue("10s") Duration requestTimeout) {
}
