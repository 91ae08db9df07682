package ai.portal.logs.opensearch;

import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch.generic.Bodies;
import org.opensearch.client.opensearch.generic.OpenSearchGenericClient;
import org.opensearch.client.opensearch.generic.Requests;
import org.opensearch.client.opensearch.generic.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Index naming, the index template and retention. Daily indices {@code logs-YYYY.MM.DD} named after the UTC
 * date of each line's <em>own</em> timestamp (as Fluentd's {@code logstash_format} does), so a line re-sent
 * after a restart or a retry always lands in the same index under the same id. Reads go to {@code logs-*}.
 * Retention: an Index State Management policy when the ISM plugin is installed; otherwise {@link #deleteExpired}
 * (run by the collector) deletes whole daily indices past the retention.
 */
@Component
public class LogIndices {

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy.MM.dd").withZone(ZoneOffset.UTC);
    private static final Logger log = LoggerFactory.getLogger(LogIndices.class);

    private final OpenSearchProperties properties;
    private final OpenSearchGenericClient http;
    private final OpenSearchGenericClient lenient;
    private volatile boolean ismAvailable;

    public LogIndices(OpenSearchProperties properties, OpenSearchClient client) {
        this.properties = properties;
        this.http = client.generic().withClientOptions(OpenSearchGenericClient.ClientOptions.throwOnHttpErrors());
        this.lenient = client.generic();
    }

    public String indexFor(Instant timestamp) {
        return properties.indexPrefix() + "-" + DAY.format(timestamp);
    }

    public String readPattern() {
        return properties.indexPattern();
    }

    /** Puts the index template and, where ISM exists, the retention policy. Idempotent; blocking. */
    public void ensureTemplateAndPolicy() throws IOException {
        send("PUT", "/_index_template/" + properties.indexPrefix(), template());
        ismAvailable = putPolicy();
    }

    public boolean ismAvailable() {
        return ismAvailable;
    }

    String template() {
        return """
                {"index_patterns": ["%s"], "priority": 100,
                 "template": {
                   "settings": {"number_of_shards": %d, "number_of_replicas": %d, "refresh_interval": "%s",
                                "index.codec": "best_compression"},
                   "mappings": {
                     "dynamic_templates": [
                       {"labels": {"path_match": "kubernetes.labels.*", "mapping": {"type": "keyword", "ignore_above": 256}}},
                       {"strings": {"match_mapping_type": "string", "mapping": {"type": "keyword", "ignore_above": 1024}}}],
                     "properties": {
                       "@timestamp": {"type": "date_nanos"},
                       "log": {"type": "text"},
                       "stream": {"type": "keyword"},
                       "level": {"type": "keyword"},
                       "log_id": {"type": "keyword"},
                       "kubernetes": {"properties": {
                         "namespace_name": {"type": "keyword"},
                         "pod_name": {"type": "keyword"},
                         "container_name": {"type": "keyword"},
                         "pod_id": {"type": "keyword"},
                         "host": {"type": "keyword"},
                         "labels": {"type": "object"}}},
                       "docker": {"properties": {"container_id": {"type": "keyword"}}}}}}}"""
                .formatted(properties.indexPattern(), properties.shards(), properties.replicas(),
                        properties.refreshInterval());
    }

    private boolean putPolicy() {
        String policy = """
                {"policy": {"description": "AI Portal container logs: delete daily indices after the retention",
                  "default_state": "hot",
                  "states": [
                    {"name": "hot", "actions": [], "transitions": [{"state_name": "delete", "conditions": {"min_index_age": "%dd"}}]},
                    {"name": "delete", "actions": [{"delete": {}}], "transitions": []}],
                  "ism_template": [{"index_patterns": ["%s"], "priority": 100}]}}"""
                .formatted(Math.max(1, properties.retention().toDays()), properties.indexPattern());
        try (Response existing = lenient
                .execute(Requests.builder().method("GET").endpoint("/_plugins/_ism/policies/" + properties.indexPrefix() + "-retention").build())) {
            if (existing.getStatus() == 200) {
                return true;
            }
            if (existing.getStatus() != 404 || existing.getBody().map(b -> b.bodyAsString()).orElse("")
                    .contains("no handler")) {
                log.info("Index State Management is not installed in OpenSearch ({}): the collector deletes daily "
                        + "indices older than {} itself", existing.getStatus(), properties.retention());
                return false;
            }
            send("PUT", "/_plugins/_ism/policies/" + properties.indexPrefix() + "-retention", policy);
            return true;
        } catch (IOException | RuntimeException e) {
            log.info("Index State Management unavailable ({}): the collector enforces the retention itself",
                    e.getMessage());
            return false;
        }
    }

    /** Deletes daily indices older than the retention; a no-op where ISM does it. Blocking. */
    public List<String> deleteExpired(Instant now) throws IOException {
        List<String> deleted = new ArrayList<>();
        if (ismAvailable) {
            return deleted;
        }
        LocalDate oldestKept = LocalDate.ofInstant(now.minus(properties.retention()), ZoneOffset.UTC);
        String listing;
        try (Response response = lenient
                .execute(Requests.builder().method("GET")
                        .endpoint("/_cat/indices/" + properties.indexPattern() + "?h=index&expand_wildcards=all").build())) {
            listing = response.getStatus() == 200 ? response.getBody().map(b -> b.bodyAsString()).orElse("") : "";
        }
        for (String index : listing.split("\\s+")) {
            if (!index.startsWith(properties.indexPrefix() + "-")) {
                continue;
            }
            try {
                LocalDate day = LocalDate.parse(index.substring(properties.indexPrefix().length() + 1),
                        DateTimeFormatter.ofPattern("yyyy.MM.dd"));
                if (day.isBefore(oldestKept)) {
                    send("DELETE", "/" + index, null);
                    deleted.add(index);
                }
            } catch (DateTimeParseException notDaily) {
                // someone else's index under the same prefix: leave it alone
            }
        }
        if (!deleted.isEmpty()) {
            log.info("Deleted log indices past the retention of {}: {}", properties.retention(), deleted);
        }
        return deleted;
    }

    private void send(String method, String endpoint, String json) throws IOException {
        var request = Requests.builder().method(method).endpoint(endpoint);
        if (json != null) {
            request.body(Bodies.json(json));
        }
        try (Response ignored = http.execute(request.build())) {
            // throwOnHttpErrors: a non-2xx answer has thrown already
        }
    }
}
