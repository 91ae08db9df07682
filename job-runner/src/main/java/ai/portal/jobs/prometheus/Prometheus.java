package ai.portal.jobs.prometheus;

import java.util.Optional;

import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * Instant queries against the cluster's Prometheus that answer one number: the first sample of the result vector.
 * Empty when Prometheus is not configured, the query matches no series, or the value is NaN; a Prometheus that does
 * not answer in time or answers with an error fails the Mono, and the caller decides what that means.
 */
public class Prometheus {

    private final WebClient http;
    private final PrometheusProperties properties;

    public Prometheus(WebClient http, PrometheusProperties properties) {
        this.http = http;
        this.properties = properties;
    }

    public boolean configured() {
        return !properties.url().isBlank();
    }

    /** Where it reads, for logs: the URL, or why there is none. */
    public String describe() {
        return configured() ? properties.url() : "nowhere (portal.prometheus.url is not set)";
    }

    /** The value of {@code query} now. */
    public Mono<Optional<Double>> value(String query) {
        if (!configured()) {
            return Mono.just(Optional.empty());
        }
        var uri = UriComponentsBuilder.fromUriString(properties.url()).path("/api/v1/query")
                .queryParam("query", "{q}").build(query);
        return http.get().uri(uri).retrieve().bodyToMono(JsonNode.class)
                .timeout(properties.requestTimeout())
                .map(Prometheus::firstValue);
    }

    private static Optional<Double> firstValue(JsonNode answer) {
        JsonNode result = answer.path("data").path("result");
        if (!result.isArray() || result.isEmpty()) {
            return Optional.empty();
        }
        String value = result.get(0).path("value").path(1).asString("");
        try {
            double parsed = Double.parseDouble(value);
            return Double.isNaN(parsed) ? Optional.empty() : Optional.of(parsed);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
