package ai.portal.jobs.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.function.IntUnaryOperator;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the job runner's benchmark mains share: API calls with a user's bearer token, the check of their answer, and
 * waiting until the teams a benchmark made have their queue and GPU quota in place.
 */
public final class BenchHttp {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http;

    public BenchHttp(HttpClient http) {
        this.http = http;
    }

    /** One call; a body is sent as JSON. */
    public HttpResponse<String> send(String method, String url, String token, Object body) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                    .header("Authorization", "Bearer " + token)
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            if (body != null) {
                request.header("Content-Type", "application/json");
            }
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Fails the benchmark, saying what answered what, unless the answer has one of {@code statuses}. */
    public static void expect(HttpResponse<String> response, int... statuses) {
        for (int status : statuses) {
            if (response.statusCode() == status) {
                return;
            }
        }
        throw new IllegalStateException(response.request().method() + " " + response.request().uri() + " answered "
                + response.statusCode() + ": " + response.body().substring(0, Math.min(400,
                response.body().length())));
    }

    /** Waits (5 minutes at most) until each team's queue is ready with {@code quota.applyAsInt(index)} GPUs. */
    public void awaitQueues(String jobsUrl, String token, List<String> slugs, String gpuType, IntUnaryOperator quota)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        for (int t = 0; t < slugs.size(); t++) {
            String slug = slugs.get(t);
            while (true) {
                HttpResponse<String> capacity = send("GET", jobsUrl + "/api/v1/teams/" + slug + "/capacity", token,
                        null);
                if (capacity.statusCode() == 200 && JSON.readTree(capacity.body()).path("queueReady").asBoolean()
                        && hasQuota(JSON.readTree(capacity.body()), gpuType, quota.applyAsInt(t))) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("team " + slug + "'s queue is not ready: " + capacity.body());
                }
                Thread.sleep(500);
            }
        }
    }

    private static boolean hasQuota(JsonNode capacity, String gpuType, int quota) {
        for (JsonNode type : capacity.path("gpus")) {
            if (gpuType.equals(type.path("gpuType").asString()) && type.path("quota").asInt() == quota) {
                return true;
            }
        }
        return false;
    }
}
