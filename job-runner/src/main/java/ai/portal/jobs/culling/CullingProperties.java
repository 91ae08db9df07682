package ai.portal.jobs.culling;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the idle culler looks ({@code portal.notebooks.culling.*}); the limits themselves are platform settings.
 *
 * @param period         how often every running notebook is looked at
 * @param gpuThreshold   a GPU notebook whose utilisation (max over {@code gpuWindow}, percent) reaches this is in use
 * @param requestTimeout for one request to a notebook's Jupyter (GPU utilisation is read from Prometheus,
 *                       {@code portal.prometheus.url}; not set: Jupyter's activity alone decides)
 */
@ConfigurationProperties("portal.notebooks.culling")
public record CullingProperties(@DefaultValue("true") boolean enabled,
                                @DefaultValue("1m") Duration period,
                                @DefaultValue("10") double gpuThreshold,
                                @DefaultValue("10m") Duration gpuWindow,
                                @DefaultValue("10s") Duration requestTimeout) {
}
