package ai.portal.jobs.settings;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The idle limits a platform starts with, until an admin sets others through {@code PUT /api/v1/settings}
 * ({@code portal.notebooks.idle.*}; tests set short ones). A GPU notebook's limit is shorter: an idle GPU is the
 * scarce thing a cluster wastes.
 */
@ConfigurationProperties("portal.notebooks.idle")
public record IdleDefaults(@DefaultValue("8h") Duration notebookLimit,
                           @DefaultValue("1h") Duration gpuNotebookLimit,
                           @DefaultValue("10m") Duration warning,
                           @DefaultValue("24h") Duration maxExtension) {
}
