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

    /** The p-th percentile (nearest rank) of {@code values}; NaN when there are none. */
    public static double percentile(java.util.List<Double> values, int p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        java.util.List<Double> sorted = new java.util.ArrayList<>(values);
        java.util.Collections.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
    }

    /** The machine's one-minute load average, for the figures' context. */
    public static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0];
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    /**
     * Resident memory (bytes) of the process trees whose root's command line contains every one of {@code parts}
     * (a pod's processes on the local cluster's process runtime).
     */
    public static long processTreeRss(String... parts) throws java.io.IOException {
        java.util.Map<Long, Long> parents = new java.util.HashMap<>();
        java.util.List<Long> roots = new java.util.ArrayList<>();
        try (var procs = java.nio.file.Files.list(java.nio.file.Path.of("/proc"))) {
            for (var proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    long pid = Long.parseLong(proc.getFileName().toString());
                    String stat = java.nio.file.Files.readString(proc.resolve("stat"));
                    parents.put(pid, Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[1]));
                    String cmdline = new String(java.nio.file.Files.readAllBytes(proc.resolve("cmdline")),
                            java.nio.charset.StandardCharsets.UTF_8);
                    if (java.util.Arrays.stream(parts).allMatch(cmdline::contains)) {
                        roots.add(pid);
                    }
                } catch (java.io.IOException | RuntimeException gone) {
                    // a process that ended meanwhile
                }
            }
        }
        long total = 0;
        for (long pid : parents.keySet()) {
            long at = pid;
            for (int depth = 0; depth < 20 && at > 1; depth++) {
                if (roots.contains(at)) {
                    total += rss(pid);
                    break;
                }
                at = parents.getOrDefault(at, 0L);
            }
        }
        return total;
    }

    private static long rss(long pid) {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc", Long.toString(pid),
                    "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (java.io.IOException | RuntimeException gone) {
            // ended
        }
        return 0;
    }
}
