package ai.portal.logs.metrics;

import java.net.URI;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The GPU metrics API ({@code portal.metrics}).
 *
 * @param prometheusUrl  Prometheus' base URL (its HTTP API v1 is all this uses); unset: every metrics endpoint
 *                       answers 503 "metrics unavailable"
 * @param timeout        how long Prometheus may take for one query (sent as its {@code timeout}); a query that takes
 *                       longer is refused as too heavy
 * @param defaultPoints  points per series when the caller asks for none (a chart's width)
 * @param maxPoints      most points per series a caller may ask for
 * @param minStep        no finer resolution than this (at least the scrape interval: finer steps repeat samples)
 * @param maxRange       longest time range a chart may ask for
 * @param maxSeries      most series one answer may hold; more is refused as too heavy
 * @param recordingRules read the team and fleet aggregates from the recording rules of infra/monitoring/rules
 *                       (cheap on a large fleet); false computes them from the raw DCGM series
 * @param idle           what "allocated but idle" means by default
 * @param grafana        links to Grafana's dashboards, when an admin runs one
 */
@ConfigurationProperties("portal.metrics")
public record MetricsProperties(
        URI prometheusUrl,
        @DefaultValue("10s") Duration timeout,
        @DefaultValue("240") int defaultPoints,
        @DefaultValue("1000") int maxPoints,
        @DefaultValue("30s") Duration minStep,
        @DefaultValue("31d") Duration maxRange,
        @DefaultValue("500") int maxSeries,
        @DefaultValue("true") boolean recordingRules,
        @DefaultValue Idle idle,
        @DefaultValue Grafana grafana) {

    public MetricsProperties {
        prometheusUrl = blankIsUnset(prometheusUrl);
    }

    /** An empty environment variable (PROMETHEUS_URL=) binds as an empty URI: that means "not set". */
    static URI blankIsUnset(URI uri) {
        return uri == null || uri.toString().isBlank() ? null : uri;
    }

    /**
     * @param thresholdPercent a GPU below this utilisation for the whole period is idle
     * @param period           how long it must stay below; callers may ask for another within the bounds
     * @param minPeriod        shortest period a caller may ask for (a few scrapes at least)
     * @param maxPeriod        longest period a caller may ask for
     */
    public record Idle(@DefaultValue("5") double thresholdPercent,
                       @DefaultValue("1h") Duration period,
                       @DefaultValue("1m") Duration minPeriod,
                       @DefaultValue("24h") Duration maxPeriod) {
    }

    /**
     * @param url               Grafana's base URL; unset: no dashboard links
     * @param workloadDashboard uid of infra/monitoring/dashboards/gpu-workload.json
     * @param teamDashboard     uid of gpu-team.json
     * @param fleetDashboard    uid of gpu-fleet.json
     */
    public record Grafana(URI url,
                          @DefaultValue("ai-portal-gpu-workload") String workloadDashboard,
                          @DefaultValue("ai-portal-gpu-team") String teamDashboard,
                          @DefaultValue("ai-portal-gpu-fleet") String fleetDashboard) {

        public Grafana {
            url = blankIsUnset(url);
        }
    }
}
