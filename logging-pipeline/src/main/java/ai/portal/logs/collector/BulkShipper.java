package ai.portal.logs.collector;

import java.io.IOException;

import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch.generic.Body;
import org.opensearch.client.opensearch.generic.OpenSearchGenericClient;
import org.opensearch.client.opensearch.generic.Requests;
import org.opensearch.client.opensearch.generic.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sends one chunk with the bulk API and says what became of it. Every item is a {@code create} with a
 * deterministic id: 201 is new, 409 means an earlier attempt (before a crash, or a retried request) already
 * stored it, both count as done. 429 and 5xx items, or no answer at all, make the whole chunk a retry; the
 * retry re-sends every item and the ones that made it answer 409. Other 4xx items (a document OpenSearch will
 * never take, e.g. a mapping conflict) are dropped with a log line rather than blocking the buffer forever.
 * Blocking: called from the collector's shipper loop only.
 */
final class BulkShipper {

    sealed interface Outcome {
        record Done(int created, int duplicates, int rejected) implements Outcome {
        }

        record Retry(String reason) implements Outcome {
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Logger log = LoggerFactory.getLogger(BulkShipper.class);

    private final OpenSearchGenericClient http;

    BulkShipper(OpenSearchClient client) {
        this.http = client.generic();
    }

    Outcome send(byte[] body) {
        try (Response response = http.execute(Requests.builder().method("POST").endpoint("/_bulk")
                .body(Body.from(body, "application/x-ndjson")).build())) {
            String text = response.getBody().map(Body::bodyAsString).orElse("");
            if (response.getStatus() != 200) {
                return new Outcome.Retry("bulk answered " + response.getStatus() + ": " + abbreviate(text));
            }
            return items(JSON.readTree(text));
        } catch (IOException | RuntimeException e) {
            return new Outcome.Retry(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static Outcome items(JsonNode answer) {
        int created = 0;
        int duplicates = 0;
        int rejected = 0;
        for (JsonNode item : answer.path("items")) {
            JsonNode result = item.path("create");
            int status = result.path("status").asInt();
            if (status == 201 || status == 200) {
                created++;
            } else if (status == 409) {
                duplicates++;
            } else if (status == 429 || status >= 500) {
                return new Outcome.Retry("item answered " + status + ": " + abbreviate(result.path("error").toString()));
            } else {
                rejected++;
                log.warn("OpenSearch refused log line {} for good ({}): {}", result.path("_id").asString(), status,
                        abbreviate(result.path("error").toString()));
            }
        }
        return new Outcome.Done(created, duplicates, rejected);
    }

    private static String abbreviate(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }
}
