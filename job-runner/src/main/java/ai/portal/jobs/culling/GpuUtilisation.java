package ai.portal.jobs.culling;

import java.util.Optional;

import ai.portal.jobs.workload.WorkloadRecord;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * A GPU notebook's utilisation from Prometheus: the highest {@code DCGM_FI_DEV_GPU_UTIL} (percent) of its pod's GPUs
 * over the recent window, as DCGM's exporter labels it with the pod it serves. Empty when Prometheus is not
 * configured, the notebook has no GPUs, or no series exists for its pod: then Jupyter's activity alone decides.
 */
class GpuUtilisation {

    private final WebClient http;
    private final CullingProperties properties;

    GpuUtilisation(WebClient http, CullingProperties properties) {
        this.http = http;
        this.properties = properties;
    }

    boolean configured() {
        return !properties.prometheusUrl().isBlank();
    }

    Mono<Optional<Double>> of(WorkloadRecord notebook) {
        if (!configured() || notebook.spec().gpus() <= 0) {
            return Mono.just(Optional.empty());
        }
        String query = "max(max_over_time(DCGM_FI_DEV_GPU_UTIL{namespace=\"" + notebook.namespace()
                + "\",pod=\"" + notebook.name() + "-0\"}[" + properties.gpuWindow().toSeconds() + "s]))";
        var uri = UriComponentsBuilder.fromUriString(properties.prometheusUrl()).path("/api/v1/query")
                .queryParam("query", "{q}").build(query);
        return http.get().uri(uri).retrieve().bodyToMono(JsonNode.class)
                .timeout(properties.requestTimeout())
                .map(answer -> {
                    JsonNode result = answer.path("data").path("result");
                    if (!result.isArray() || result.isEmpty()) {
                        return Optional.<Double>empty();
                    }
                    String value = result.get(0).path("value").path(1).asString("");
                    try {
                        double parsed = Double.parseDouble(value);
                        return Double.isNaN(parsed) ? Optional.<Double>empty() : Optional.of(parsed);
                    } catch (NumberFormatException e) {
                        return Optional.<Double>empty();
                    }
                });
    }
}
