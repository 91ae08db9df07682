package ai.portal.jobs.culling;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

import ai.portal.jobs.proxy.NotebookTargets;
import ai.portal.jobs.workload.WorkloadNames;
import ai.portal.jobs.workload.WorkloadRecord;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * Asks a notebook's own Jupyter server how recently it was used: {@code GET <base>api/status} ({@code last_activity}:
 * the latest of its users' requests, kernel messages and terminals) and {@code GET <base>api/kernels} (each kernel's
 * {@code execution_state} and {@code last_activity}), on the pod's IP with the notebook's token, as the proxy
 * reaches it. {@code no_track_activity} keeps these requests from counting as activity themselves.
 */
class JupyterActivity {

    /** What Jupyter says: the latest activity it knows, and whether a kernel is executing now. */
    record Activity(Instant lastActivity, boolean kernelBusy, int kernels) {
    }

    private final WebClient http;
    private final CullingProperties properties;

    JupyterActivity(WebClient http, CullingProperties properties) {
        this.http = http;
        this.properties = properties;
    }

    Mono<Activity> of(WorkloadRecord notebook, NotebookTargets.Target target) {
        String base = "http://" + hostOf(target.podIp()) + ":" + target.port()
                + WorkloadNames.notebookBasePath(notebook.team(), notebook.name());
        Mono<JsonNode> status = get(base + "api/status?no_track_activity=1", target.token());
        Mono<JsonNode> kernels = get(base + "api/kernels?no_track_activity=1", target.token());
        return Mono.zip(status, kernels).map(answers -> {
            Instant latest = instant(answers.getT1().path("last_activity").asString(null));
            if (latest == null) {
                latest = instant(answers.getT1().path("started").asString(null));
            }
            boolean busy = false;
            int count = 0;
            for (JsonNode kernel : answers.getT2()) {
                count++;
                busy |= "busy".equals(kernel.path("execution_state").asString(""));
                Instant kernelActivity = instant(kernel.path("last_activity").asString(null));
                if (kernelActivity != null && (latest == null || kernelActivity.isAfter(latest))) {
                    latest = kernelActivity;
                }
            }
            if (latest == null) {
                throw new IllegalStateException("Jupyter at " + base + " told no last activity");
            }
            return new Activity(latest, busy, count);
        });
    }

    private Mono<JsonNode> get(String url, String token) {
        return http.get().uri(url).header("Authorization", "token " + token)
                .retrieve().bodyToMono(JsonNode.class)
                .timeout(properties.requestTimeout());
    }

    private static String hostOf(String ip) {
        return ip.contains(":") ? "[" + ip + "]" : ip;
    }

    /** Jupyter writes ISO-8601 with an offset ({@code Z} or {@code +00:00}) and microseconds. */
    static Instant instant(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return DateTimeFormatter.ISO_DATE_TIME.parse(text, Instant::from);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
