package ai.portal.logs.metrics;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

import io.netty.channel.ChannelOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Prometheus' stable HTTP API v1 ({@code /api/v1/query}, {@code /api/v1/query_range}), the same on Prometheus 2.x
 * and 3.x. Queries go as form posts (long selectors do not fit a URL). Failures are sorted once, here: Prometheus
 * unreachable, slow or broken → {@link MetricsExceptions#unavailable} (503); a query over Prometheus' sample limit
 * or timeout → {@link MetricsExceptions#tooHeavy} (422); a query Prometheus cannot parse is this service's bug
 * (500, logged with the query, which holds no user input).
 */
class PrometheusClient {

    private static final Logger log = LoggerFactory.getLogger(PrometheusClient.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** A fleet's per-GPU answer runs to megabytes; Spring's 256 KiB default would cut it. */
    private static final int MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

    private final WebClient http;
    private final URI base;
    private final Duration timeout;

    PrometheusClient(WebClient.Builder builder, URI base, Duration timeout) {
        this.base = base;
        this.timeout = timeout;
        HttpClient netty = HttpClient.create()
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 3000)
                .responseTimeout(timeout.plusSeconds(5));
        this.http = builder.clone()
                .clientConnector(new ReactorClientHttpConnector(netty))
                .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(MAX_RESPONSE_BYTES))
                .build();
    }

    /** One series of a range query: its labels and its points (epoch seconds, value; NaN where Prometheus says so). */
    record RangeSeries(Map<String, String> labels, List<Point> points) {
    }

    record Point(double epochSeconds, double value) {
    }

    /** One series of an instant query. */
    record Sample(Map<String, String> labels, double value) {
    }

    Mono<List<RangeSeries>> range(String query, Instant start, Instant end, Duration step) {
        MultiValueMap<String, String> form = form(query);
        form.add("start", seconds(start));
        form.add("end", seconds(end));
        form.add("step", PromQL.duration(step));
        return call("api/v1/query_range", form).map(data -> {
            List<RangeSeries> out = new ArrayList<>();
            for (JsonNode series : data.path("result")) {
                List<Point> points = new ArrayList<>();
                for (JsonNode value : series.path("values")) {
                    points.add(new Point(value.get(0).asDouble(), number(value.get(1).asString())));
                }
                out.add(new RangeSeries(labels(series.path("metric")), points));
            }
            return out;
        });
    }

    Mono<List<Sample>> instant(String query, Instant time) {
        MultiValueMap<String, String> form = form(query);
        form.add("time", seconds(time));
        return call("api/v1/query", form).map(data -> {
            List<Sample> out = new ArrayList<>();
            for (JsonNode series : data.path("result")) {
                out.add(new Sample(labels(series.path("metric")), number(series.path("value").get(1).asString())));
            }
            return out;
        });
    }

    private MultiValueMap<String, String> form(String query) {
        MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
        form.add("query", query);
        form.add("timeout", PromQL.duration(timeout));
        return form;
    }

    private Mono<JsonNode> call(String path, MultiValueMap<String, String> form) {
        URI uri = URI.create(base.toString().endsWith("/") ? base.toString() : base + "/").resolve(path);
        return http.post().uri(uri)
                .body(BodyInserters.fromFormData(form))
                .exchangeToMono(response -> response.bodyToMono(String.class).defaultIfEmpty("")
                        .map(body -> answer(response.statusCode().value(), body, form.getFirst("query"))))
                .timeout(timeout.plusSeconds(10))
                .onErrorMap(WebClientRequestException.class, failure -> MetricsExceptions.unavailable(
                        "Prometheus at " + base + " does not answer (" + rootMessage(failure) + "). GPU metrics "
                                + "return when it does; logs and everything else work as before."))
                .onErrorMap(TimeoutException.class, slow -> MetricsExceptions.unavailable(
                        "Prometheus at " + base + " did not answer within " + timeout.plusSeconds(10).toSeconds()
                                + " s. Try again, or a shorter range."));
    }

    /** The {@code data} of a successful answer; every other answer becomes the exception it means. */
    private JsonNode answer(int status, String body, String query) {
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (RuntimeException notJson) {
            throw MetricsExceptions.unavailable("Prometheus at " + base + " answered " + status
                    + " with something that is not its API's JSON; is the URL right (portal.metrics.prometheus-url)?");
        }
        if (status == 200 && "success".equals(json.path("status").asString())) {
            return json.path("data");
        }
        String type = json.path("errorType").asString("");
        String error = json.path("error").asString("");
        if ("timeout".equals(type) || error.contains("too many samples") || error.contains("exceeded maximum resolution")) {
            throw MetricsExceptions.tooHeavy("Prometheus refused the query (" + error + "). Ask for a shorter range "
                    + "or fewer points.");
        }
        if ("bad_data".equals(type) || status == 400) {
            log.error("Prometheus could not parse a query built by this service: {} ({})", query, error);
            throw new IllegalStateException("Prometheus refused a query: " + error);
        }
        throw MetricsExceptions.unavailable("Prometheus at " + base + " answered " + status
                + (error.isEmpty() ? "" : " (" + error + ")") + ".");
    }

    private static Map<String, String> labels(JsonNode metric) {
        Map<String, String> labels = new LinkedHashMap<>();
        metric.properties().forEach(entry -> labels.put(entry.getKey(), entry.getValue().asString()));
        return labels;
    }

    private static double number(String value) {
        return switch (value) {
            case "NaN", "+Inf", "-Inf" -> Double.NaN;
            default -> Double.parseDouble(value);
        };
    }

    private static String seconds(Instant time) {
        return time.getEpochSecond() + (time.getNano() == 0 ? "" : String.format(".%03d", time.getNano() / 1_000_000));
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
