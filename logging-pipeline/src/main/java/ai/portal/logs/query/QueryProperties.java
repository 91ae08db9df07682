package ai.portal.logs.query;

import java.time.Duration;

import ai.portal.platform.team.PortalLabels;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The query API's limits and the live tail's timing.
 *
 * @param workloadLabel    pod label the {@code workload} filter matches (stored de-dotted under kubernetes.labels)
 * @param maxPageSize      most lines one JSON page returns
 * @param maxDownload      most lines one text download returns
 * @param maxTextLength    longest free-text query accepted
 * @param tailPoll         how often the live tail asks OpenSearch for new lines
 * @param tailGrace        how far back each poll looks for lines that became visible late (deduplicated)
 * @param tailBacklog      lines sent first when a tail starts without Last-Event-ID
 * @param heartbeat        comment sent on an idle stream so proxies keep it open
 */
@ConfigurationProperties("portal.logs.query")
public record QueryProperties(
        @DefaultValue(PortalLabels.WORKLOAD) String workloadLabel,
        @DefaultValue("1000") int maxPageSize,
        @DefaultValue("10000") int maxDownload,
        @DefaultValue("256") int maxTextLength,
        @DefaultValue("250ms") Duration tailPoll,
        @DefaultValue("5s") Duration tailGrace,
        @DefaultValue("20") int tailBacklog,
        @DefaultValue("15s") Duration heartbeat) {
}
