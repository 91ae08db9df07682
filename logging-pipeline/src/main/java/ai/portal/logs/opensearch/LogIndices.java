package ai.portal.logs.opensearch;

import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ai.portal.logs.record.LogRecord.Docker;
import ai.portal.logs.record.LogRecord.Fields;
import ai.portal.logs.record.LogRecord.Kubernetes;
import org.opensearch.client.json.JsonData;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.ExpandWildcard;
import org.opensearch.client.opensearch._types.OpenSearchException;
import org.opensearch.client.opensearch._types.Time;
import org.opensearch.client.opensearch._types.mapping.DynamicTemplate;
import org.opensearch.client.opensearch._types.mapping.Property;
import org.opensearch.client.opensearch._types.mapping.TypeMapping;
import org.opensearch.client.opensearch.cat.indices.IndicesRecord;
import org.opensearch.client.opensearch.indices.IndexSettings;
import org.opensearch.client.opensearch.ism.Policy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Index naming, the index template and retention. Daily indices {@code logs-YYYY.MM.DD} named after the UTC
 * date of each line's <em>own</em> timestamp (as Fluentd's {@code logstash_format} does), so a line re-sent
 * after a restart or a retry always lands in the same index under the same id. Reads go to {@code logs-*}.
 * Retention: an Index State Management policy when the ISM plugin is installed; otherwise {@link #deleteExpired}
 * (run by the collector) deletes whole daily indices past the retention. Everything is built with opensearch-java's
 * typed API from the field names of {@link ai.portal.logs.record.LogRecord}.
 */
@Component
public class LogIndices {

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy.MM.dd").withZone(ZoneOffset.UTC);
    /** The component name under which the ISM plugin lists itself. */
    private static final String ISM_PLUGIN = "opensearch-index-management";
    private static final Logger log = LoggerFactory.getLogger(LogIndices.class);

    private final OpenSearchProperties properties;
    private final OpenSearchClient client;
    private volatile boolean ismAvailable;

    public LogIndices(OpenSearchProperties properties, OpenSearchClient client) {
        this.properties = properties;
        this.client = client;
    }

    public String indexFor(Instant timestamp) {
        return properties.indexPrefix() + "-" + DAY.format(timestamp);
    }

    public String readPattern() {
        return properties.indexPattern();
    }

    /** Puts the index template and, where ISM exists, the retention policy. Idempotent; blocking. */
    public void ensureTemplateAndPolicy() throws IOException {
        client.indices().putIndexTemplate(t -> t.name(properties.indexPrefix())
                .indexPatterns(properties.indexPattern())
                .priority(100)
                .template(template -> template.settings(settings()).mappings(mappings())));
        ismAvailable = putPolicy();
    }

    IndexSettings settings() {
        return IndexSettings.of(s -> s.numberOfShards(properties.shards())
                .numberOfReplicas(properties.replicas())
                .refreshInterval(Time.of(t -> t.time(properties.refreshInterval())))
                .codec("best_compression"));
    }

    TypeMapping mappings() {
        Property keyword = Property.of(p -> p.keyword(k -> k));
        return TypeMapping.of(m -> m
                .dynamicTemplates(
                        Map.of("labels", DynamicTemplate.of(d -> d.pathMatch(Fields.LABELS + ".*")
                                .mapping(p -> p.keyword(k -> k.ignoreAbove(256))))),
                        Map.of("strings", DynamicTemplate.of(d -> d.matchMappingType("string")
                                .mapping(p -> p.keyword(k -> k.ignoreAbove(1024))))))
                .properties(Fields.TIMESTAMP, p -> p.dateNanos(d -> d))
                .properties(Fields.LOG, p -> p.text(t -> t))
                .properties(Fields.STREAM, keyword)
                .properties(Fields.LEVEL, keyword)
                .properties(Fields.LOG_ID, keyword)
                .properties(Fields.KUBERNETES, p -> p.object(o -> o
                        .properties(Kubernetes.NAMESPACE_NAME, keyword)
                        .properties(Kubernetes.POD_NAME, keyword)
                        .properties(Kubernetes.CONTAINER_NAME, keyword)
                        .properties(Kubernetes.POD_ID, keyword)
                        .properties(Kubernetes.HOST, keyword)
                        .properties(Kubernetes.LABELS, l -> l.object(labels -> labels))))
                .properties(Fields.DOCKER, p -> p.object(o -> o.properties(Docker.CONTAINER_ID, keyword))));
    }

    Policy policy() {
        return Policy.of(p -> p.description("AI Portal container logs: delete daily indices after the retention")
                .defaultState("hot")
                .states(s -> s.name("hot").actions(List.of()).transitions(t -> t.stateName("delete")
                        .conditions("min_index_age", JsonData.of(Math.max(1, properties.retention().toDays()) + "d"))))
                .states(s -> s.name("delete").actions(a -> a.delete(d -> d)).transitions(List.of()))
                .ismTemplate(t -> t.indexPatterns(properties.indexPattern()).priority(100)));
    }

    private String policyId() {
        return properties.indexPrefix() + "-retention";
    }

    private boolean putPolicy() {
        try {
            boolean installed = client.cat().plugins().valueBody().stream()
                    .anyMatch(plugin -> ISM_PLUGIN.equals(plugin.component()));
            if (!installed) {
                log.info("Index State Management is not installed in OpenSearch: the collector deletes daily indices "
                        + "older than {} itself", properties.retention());
                return false;
            }
            try {
                client.ism().getPolicy(g -> g.policyId(policyId()));
            } catch (OpenSearchException missing) {
                if (missing.status() != 404) {
                    throw missing;
                }
                client.ism().putPolicy(put -> put.policyId(policyId()).policy(policy()));
            }
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
        List<IndicesRecord> indices = client.cat().indices(c -> c.index(properties.indexPattern())
                .expandWildcards(ExpandWildcard.All)).valueBody();
        for (IndicesRecord index : indices) {
            String name = index.index();
            if (name == null || !name.startsWith(properties.indexPrefix() + "-")) {
                continue;
            }
            try {
                LocalDate day = LocalDate.parse(name.substring(properties.indexPrefix().length() + 1),
                        DateTimeFormatter.ofPattern("yyyy.MM.dd"));
                if (day.isBefore(oldestKept)) {
                    client.indices().delete(d -> d.index(name));
                    deleted.add(name);
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
}
