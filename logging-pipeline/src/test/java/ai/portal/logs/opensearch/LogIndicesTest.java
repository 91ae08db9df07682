package ai.portal.logs.opensearch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import ai.portal.logs.EmbeddedOpenSearch;
import org.apache.hc.core5.http.HttpHost;
import org.junit.jupiter.api.Test;
import org.opensearch.client.json.jackson3.JacksonJsonpMapper;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5TransportBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The index template and the retention, against a real OpenSearch node (which has no ISM plugin). */
class LogIndicesTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final OpenSearchClient client = new OpenSearchClient(ApacheHttpClient5TransportBuilder
            .builder(HttpHost.create(EmbeddedOpenSearch.uri())).setMapper(new JacksonJsonpMapper()).build());

    private LogIndices indices(String prefix) {
        return new LogIndices(new OpenSearchProperties(EmbeddedOpenSearch.uri(), prefix, Duration.ofDays(3), 1, 0,
                "700ms", Duration.ofSeconds(5)), client);
    }

    @Test
    void dailyIndicesGetTheTemplatesNanosecondTimestampKeywordsAndSettings() throws Exception {
        LogIndices indices = indices("tmpl");
        indices.ensureTemplateAndPolicy();
        String index = indices.indexFor(Instant.parse("2026-01-02T03:04:05.123456789Z"));
        assertThat(index).isEqualTo("tmpl-2026.01.02");
        EmbeddedOpenSearch.call("PUT", "/" + index, null);

        JsonNode created = JSON.readTree(EmbeddedOpenSearch.call("GET", "/" + index, null)).path(index);
        JsonNode properties = created.path("mappings").path("properties");
        assertThat(properties.path("@timestamp").path("type").asString()).isEqualTo("date_nanos");
        assertThat(properties.path("log").path("type").asString()).isEqualTo("text");
        assertThat(properties.path("kubernetes").path("properties").path("namespace_name").path("type").asString())
                .isEqualTo("keyword");
        assertThat(properties.path("docker").path("properties").path("container_id").path("type").asString())
                .isEqualTo("keyword");
        JsonNode settings = created.path("settings").path("index");
        assertThat(settings.path("refresh_interval").asString()).isEqualTo("700ms");
        assertThat(settings.path("number_of_replicas").asString()).isEqualTo("0");
        assertThat(settings.path("codec").asString()).isEqualTo("best_compression");
        assertThat(created.path("mappings").path("dynamic_templates").toString())
                .contains("kubernetes.labels.*").contains("\"ignore_above\":256");
    }

    @Test
    void withoutIsmTheCollectorDeletesDailyIndicesPastTheRetentionAndNothingElse() throws Exception {
        LogIndices indices = indices("ret");
        indices.ensureTemplateAndPolicy();
        Instant now = Instant.parse("2026-03-10T12:00:00Z");
        for (String name : new String[] {"ret-2026.03.01", "ret-2026.03.09", "ret-2026.03.10", "ret-archive"}) {
            EmbeddedOpenSearch.call("PUT", "/" + name, null);
        }
        assertThat(indices.deleteExpired(now)).containsExactly("ret-2026.03.01");
        String left = EmbeddedOpenSearch.call("GET", "/_cat/indices/ret-*?h=index", null);
        assertThat(left).contains("ret-2026.03.09", "ret-2026.03.10", "ret-archive").doesNotContain("ret-2026.03.01");
    }
}
