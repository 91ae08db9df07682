package ai.portal.logs.collector;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The collector: what it tails, where it keeps its state, how it batches.
 *
 * @param enabled        run the collector in this process (the query API works without it)
 * @param path           the kubelet's {@code /var/log/containers} (env {@code PORTAL_LOG_DIR})
 * @param stateDir       checkpoints ({@code pos} file) and the disk buffer
 * @param pollInterval   how often the files are checked for new bytes
 * @param batchLines     a chunk (one bulk request) is sealed at this many lines ...
 * @param batchSize      ... or this many bytes of bulk body ...
 * @param flushInterval  ... or when its oldest line has waited this long
 * @param bufferLimit    sealed chunks on disk beyond this stop the reading (backpressure)
 * @param readLimit      bytes read from one file per poll, so one busy file cannot starve the others
 * @param retryBackoff   first wait after a failed bulk request; doubles up to {@code retryBackoffMax}
 * @param retryBackoffMax the longest wait between bulk attempts while OpenSearch is down
 * @param shippers       bulk requests in flight at once (chunks may then become visible slightly out of order;
 *                       the live tail's grace window absorbs that)
 */
@ConfigurationProperties("portal.logs.collector")
public record CollectorProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("/var/log/containers") Path path,
        @DefaultValue(".portal/logging-pipeline") Path stateDir,
        @DefaultValue("100ms") Duration pollInterval,
        @DefaultValue("5000") int batchLines,
        @DefaultValue("5MB") DataSize batchSize,
        @DefaultValue("200ms") Duration flushInterval,
        @DefaultValue("256MB") DataSize bufferLimit,
        @DefaultValue("1MB") DataSize readLimit,
        @DefaultValue("200ms") Duration retryBackoff,
        @DefaultValue("5s") Duration retryBackoffMax,
        @DefaultValue("2") int shippers) {
}
