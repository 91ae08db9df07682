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
 * @param heartbeat        comment sent on an idle stream so clients and proxies keep it open (the first at once)
 * @param tailRate         most lines per second one stream carries; beyond it the stream falls behind, and once
 *                         {@code maxLag} behind it skips ahead with a {@code gap} event
 * @param maxLag           how far a stream may fall behind the newest lines before it skips ahead
 * @param maxResume        how far back a {@code Last-Event-ID} may resume (older: a {@code gap} event, then from there)
 * @param accessRecheck    how often an open stream checks that its caller may still read the team
 * @param maxStreamsPerUser open streams one user may hold at once (per replica); one more is refused with 429
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
        @DefaultValue("5s") Duration heartbeat,
        @DefaultValue("5000") int tailRate,
        @DefaultValue("30s") Duration maxLag,
        @DefaultValue("1h") Duration maxResume,
        @DefaultValue("5s") Duration accessRecheck,
        @DefaultValue("5") int maxStreamsPerUser) {
}
