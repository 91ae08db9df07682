package ai.portal.logs.bench;

import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import ai.portal.logs.CriFiles;
import ai.portal.logs.collector.CollectorProperties;
import ai.portal.logs.collector.LogCollector;
import ai.portal.logs.kubernetes.PodLogSource;
import ai.portal.logs.kubernetes.PodMetadata;
import ai.portal.logs.opensearch.LogIndices;
import ai.portal.logs.opensearch.OpenSearchProperties;
import ai.portal.logs.query.LogFilter;
import ai.portal.logs.query.LogSearch;
import ai.portal.logs.query.LogTail;
import ai.portal.logs.query.QueryProperties;
import ai.portal.opensearch.LocalOpenSearch;
import org.apache.hc.core5.http.HttpHost;
import org.opensearch.client.json.jackson3.JacksonJsonpMapper;
import org.opensearch.client.opensearch.OpenSearchAsyncClient;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch.generic.Body;
import org.opensearch.client.opensearch.generic.Requests;
import org.opensearch.client.opensearch.generic.Response;
import org.opensearch.client.transport.OpenSearchTransport;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5TransportBuilder;
import org.springframework.util.unit.DataSize;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Prints the logging pipeline's figures on this machine (not a test: no assertions). One real OpenSearch node,
 * in-process; see docs/benchmarks.md for the command and the recorded results.
 * <ol>
 *   <li>raw bulk ceiling: the same documents the collector writes, pre-encoded, sent in 5,000-line bulks</li>
 *   <li>reader alone: the same lines read, parsed, encoded and sealed into the disk buffer, nothing shipped</li>
 *   <li>collector ingest: the same number of lines in CRI files, from collector start to all acknowledged</li>
 *   <li>live tail write-to-visible: a line appended to a CRI file until the SSE pipeline emits it (p50/p95)</li>
 *   <li>newest-100 search over everything indexed (p50/p95), with and without free text</li>
 * </ol>
 * Arguments: {@code lines} (default 200000), {@code files} (default 8), {@code shippers} (concurrent bulk
 * requests, collector and raw alike; default 2).
 */
public final class LoggingBenchmark {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    public static void main(String[] args) throws Exception {
        int lines = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int fileCount = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int shippers = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        Path work = Files.createTempDirectory(Path.of("target"), "bench-");
        try (LocalOpenSearch node = LocalOpenSearch.start(work.resolve("opensearch"), 0)) {
            OpenSearchTransport transport = ApacheHttpClient5TransportBuilder.builder(HttpHost.create(node.httpUri()))
                    .setMapper(new JacksonJsonpMapper()).build();
            OpenSearchClient client = new OpenSearchClient(transport);
            OpenSearchAsyncClient async = new OpenSearchAsyncClient(transport);

            // 1. raw bulk ceiling
            LogIndices rawIndices = indices(node, client, "raw");
            rawIndices.ensureTemplateAndPolicy();
            String day = rawIndices.indexFor(Instant.now());
            List<byte[]> bulks = new ArrayList<>();
            ByteArrayOutputStream bulk = new ByteArrayOutputStream();
            for (int i = 0; i < lines; i++) {
                Map<String, Object> doc = Map.of("@timestamp", Instant.now().toString(),
                        "log", "INFO step " + i + " loss 0.1234 lr 0.0003 throughput 812.5 samples/s", "stream", "stdout",
                        "level", "info", "log_id", "raw-" + i,
                        "kubernetes", Map.of("namespace_name", "team-bench", "pod_name", "pod-" + (i % fileCount),
                                "container_name", "main"),
                        "docker", Map.of("container_id", CriFiles.CONTAINER_ID));
                bulk.writeBytes(("{\"create\":{\"_index\":\"" + day + "\",\"_id\":\"raw-" + i + "\"}}\n").getBytes(StandardCharsets.UTF_8));
                bulk.writeBytes(JSON.writeValueAsBytes(doc));
                bulk.write('\n');
                if ((i + 1) % 5_000 == 0 || i == lines - 1) {
                    bulks.add(bulk.toByteArray());
                    bulk.reset();
                }
            }
            long t0 = System.nanoTime();
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(shippers);
            List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
            for (byte[] body : bulks) {
                sent.add(pool.submit(() -> {
                    try (Response r = client.generic().execute(Requests.builder().method("POST").endpoint("/_bulk")
                            .body(Body.from(body, "application/x-ndjson")).build())) {
                        if (r.getStatus() != 200) {
                            throw new IllegalStateException("bulk " + r.getStatus());
                        }
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> f : sent) {
                f.get();
            }
            pool.shutdown();
            double rawSeconds = (System.nanoTime() - t0) / 1e9;
            double rawRate = lines / rawSeconds;
            System.out.printf("BENCH raw_bulk lines=%d bulk_size=5000 concurrent=%d seconds=%.1f lines_per_s=%.0f%n",
                    lines, shippers, rawSeconds, rawRate);

            // 2. collector ingest from CRI files
            Path logs = Files.createDirectories(work.resolve("containers"));
            List<BufferedWriter> writers = new ArrayList<>();
            for (int f = 0; f < fileCount; f++) {
                writers.add(Files.newBufferedWriter(CriFiles.file(logs, "pod-" + f, "team-bench", "main")));
            }
            for (int i = 0; i < lines; i++) {
                writers.get(i % fileCount).write(Instant.now() + " stdout F INFO step " + i
                        + " loss 0.1234 lr 0.0003 throughput 812.5 samples/s\n");
            }
            for (BufferedWriter writer : writers) {
                writer.close();
            }
            // 2a. the reader alone (OpenSearch unreachable: lines go to the disk buffer only) — its CPU cost per line
            OpenSearchClient nowhere = new OpenSearchClient(ApacheHttpClient5TransportBuilder
                    .builder(HttpHost.create(java.net.URI.create("http://127.0.0.1:1"))).setMapper(new JacksonJsonpMapper()).build());
            LogCollector readerOnly = new LogCollector(new CollectorProperties(true, logs, work.resolve("state-reader"),
                    Duration.ofMillis(100), 5_000, DataSize.ofMegabytes(5), Duration.ofMillis(200),
                    DataSize.ofGigabytes(4), DataSize.ofMegabytes(1), Duration.ofSeconds(30), Duration.ofSeconds(30), 1),
                    indices(node, nowhere, "nowhere"), nowhere, PodMetadata.NONE);
            long r0 = System.nanoTime();
            readerOnly.start();
            while (readerOnly.stats().linesRead() < lines) {
                Thread.sleep(20);
            }
            double readerSeconds = (System.nanoTime() - r0) / 1e9;
            readerOnly.halt();
            System.out.printf("BENCH reader_only lines=%d seconds=%.1f lines_per_s=%.0f%n", lines, readerSeconds,
                    lines / readerSeconds);

            // 2b. the collector: read, buffer, ship
            LogIndices indices = indices(node, client, "logs");
            LogCollector collector = new LogCollector(new CollectorProperties(true, logs, work.resolve("state"),
                    Duration.ofMillis(100), 5_000, DataSize.ofMegabytes(5), Duration.ofMillis(200),
                    DataSize.ofMegabytes(256), DataSize.ofMegabytes(1), Duration.ofMillis(200), Duration.ofSeconds(5), shippers),
                    indices, client, PodMetadata.NONE);
            long c0 = System.nanoTime();
            collector.start();
            while (collector.stats().linesIndexed() < lines) {
                Thread.sleep(50);
            }
            double collectorSeconds = (System.nanoTime() - c0) / 1e9;
            double collectorRate = lines / collectorSeconds;
            System.out.printf("BENCH collector lines=%d files=%d shippers=%d seconds=%.1f lines_per_s=%.0f ratio_to_raw=%.2f%n",
                    lines, fileCount, shippers, collectorSeconds, collectorRate, collectorRate / rawRate);

            // 3. live tail write-to-visible
            QueryProperties query = new QueryProperties("portal.ai/workload", 1000, 10000, 256,
                    Duration.ofMillis(250), Duration.ofSeconds(5), 20, Duration.ofSeconds(5), 5_000,
                    Duration.ofSeconds(30), Duration.ofHours(1), Duration.ofSeconds(5), 5);
            LogSearch search = new LogSearch(async, indices, query);
            LogTail tail = new LogTail(search, PodLogSource.NONE, query);
            Map<String, Long> arrived = new ConcurrentHashMap<>();
            Path live = CriFiles.file(logs, "live-0", "team-live", "main");
            CriFiles.append(live, "stdout", "F", "warm-up");
            Disposable subscription = tail.tail("team-live", LogFilter.NONE, null, Mono.empty(),
                    Instant.MAX).subscribe(event -> {
                if (event.data() instanceof ai.portal.logs.query.LogLine line) {
                    arrived.putIfAbsent(line.message(), System.nanoTime());
                }
            });
            Thread.sleep(3_000);
            List<Long> latencies = new ArrayList<>();
            Map<String, Long> written = new ConcurrentHashMap<>();
            for (int i = 0; i < 60; i++) {
                String message = "live " + i;
                written.put(message, System.nanoTime());
                CriFiles.append(live, "stdout", "F", message);
                Thread.sleep(200);
            }
            Thread.sleep(5_000);
            subscription.dispose();
            written.forEach((message, at) -> latencies.add(arrived.containsKey(message)
                    ? (arrived.get(message) - at) / 1_000_000 : Long.MAX_VALUE));
            Collections.sort(latencies);
            System.out.printf("BENCH tail_write_to_visible_ms samples=%d p50=%d p95=%d max=%d%n", latencies.size(),
                    latencies.get(latencies.size() / 2), latencies.get((int) (latencies.size() * 0.95)), latencies.getLast());

            // 4. newest-100 search over the collector's indices (the raw bulk's documents are in raw-*)
            for (String[] variant : new String[][] {{"newest100", null}, {"newest100_text", "step 1234*"}}) {
                LogFilter filter = new LogFilter(null, null, null, null, null, variant[1], null, null);
                List<Long> times = new ArrayList<>();
                for (int i = 0; i < 120; i++) {
                    long s0 = System.nanoTime();
                    search.newest("team-bench", filter, null, 100).block();
                    if (i >= 20) {
                        times.add((System.nanoTime() - s0) / 1_000_000);
                    }
                }
                Collections.sort(times);
                System.out.printf("BENCH search_%s_ms indexed_lines=%d samples=%d p50=%d p95=%d%n", variant[0],
                        (long) lines, times.size(), times.get(times.size() / 2), times.get((int) (times.size() * 0.95)));
            }
            collector.stop();
            transport.close();
        }
        System.exit(0);
    }

    private static LogIndices indices(LocalOpenSearch node, OpenSearchClient client, String prefix) {
        return new LogIndices(new OpenSearchProperties(node.httpUri(), prefix, Duration.ofDays(14), 1, 0, "1s",
                Duration.ofSeconds(60)), client);
    }

    private LoggingBenchmark() {
    }
}
