package ai.portal.logs.opensearch;

import java.net.URI;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where the log indices live and how they are shaped.
 *
 * @param url            OpenSearch HTTP endpoint
 * @param indexPrefix    daily indices are {@code <prefix>-YYYY.MM.DD} (UTC date of the line's own timestamp)
 * @param retention      how long a daily index is kept (ISM policy; a janitor where ISM is not installed)
 * @param shards         primary shards per daily index
 * @param replicas       replicas per daily index
 * @param refreshInterval index refresh interval: bounds how soon a line becomes searchable
 * @param timeout        per-request response timeout
 */
@ConfigurationProperties("portal.logs.opensearch")
public record OpenSearchProperties(
        @DefaultValue("http://127.0.0.1:9200") URI url,
        @DefaultValue("logs") String indexPrefix,
        @DefaultValue("14d") Duration retention,
        @DefaultValue("1") int shards,
        @DefaultValue("0") int replicas,
        @DefaultValue("1s") String refreshInterval,
        @DefaultValue("30s") Duration timeout) {

    public String indexPattern() {
        return indexPrefix + "-*";
    }
}
