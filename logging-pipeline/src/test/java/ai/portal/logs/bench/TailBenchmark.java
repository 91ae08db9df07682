package ai.portal.logs.bench;

import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import ai.portal.logs.CriFiles;
import ai.portal.logs.collector.CollectorProperties;
import ai.portal.logs.collector.LogCollector;
import ai.portal.logs.kubernetes.PodLogSource;
import ai.portal.logs.kubernetes.PodMetadata;
import ai.portal.logs.opensearch.LogIndices;
import ai.portal.logs.opensearch.OpenSearchProperties;
import ai.portal.logs.query.LogFilter;
import ai.portal.logs.query.LogLine;
import ai.portal.logs.query.LogSearch;
import ai.portal.logs.query.LogTail;
import ai.portal.logs.query.QueryProperties;
import ai.portal.opensearch.LocalOpenSearch;
import org.apache.hc.core5.http.HttpHost;
import org.opensearch.client.json.jackson3.JacksonJsonpMapper;
import org.opensearch.client.opensearch.OpenSearchAsyncClient;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.transport.OpenSearchTransport;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5TransportBuilder;
import org.springframework.util.unit.DataSize;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * Prints the live tail's figures (not a test): for each write rate, lines are appended to a CRI file for
 * {@code seconds}, the collector ships them into a real in-process OpenSearch node, and one live tail (default
 * bounds: 5,000 lines/s, 30 s max lag) receives them. Per rate: lines written, received, gap events, and
 * write-to-visible (append to the tail emitting it) p50/p95/max. Then the catch-up rate: one stream resumed at the
 * start of the run whose live tail received the most lines (those are indexed, so the figure is the tail's and not
 * the indexing's), with the rate bound lifted, until it has delivered them all or stalls: lines/s it delivers.
 * Arguments: rates (default 100,2000,20000), seconds per rate (default 15).
 */
public final class TailBenchmark {

    public static void main(String[] args) throws Exception {
        String[] rates = (args.length > 0 ? args[0] : "100,2000,20000").split(",");
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        Path work = Files.createTempDirectory("tail-bench-");
        try (LocalOpenSearch node = LocalOpenSearch.start(work.resolve("opensearch"), 0)) {
            OpenSearchTransport transport = ApacheHttpClient5TransportBuilder.builder(HttpHost.create(node.httpUri()))
                    .setMapper(new JacksonJsonpMapper()).build();
            OpenSearchClient client = new OpenSearchClient(transport);
            LogIndices indices = new LogIndices(new OpenSearchProperties(node.httpUri(), "tail", Duration.ofDays(14),
                    1, 0, "1s", Duration.ofSeconds(60)), client);
            Path logs = Files.createDirectories(work.resolve("containers"));
            LogCollector collector = new LogCollector(new CollectorProperties(true, logs, work.resolve("state"),
                    Duration.ofMillis(100), 5_000, DataSize.ofMegabytes(5), Duration.ofMillis(200),
                    DataSize.ofMegabytes(256), DataSize.ofMegabytes(1), Duration.ofMillis(200), Duration.ofSeconds(5), 2),
                    indices, client, PodMetadata.NONE);
            collector.start();
            QueryProperties bounded = properties(5_000);
            LogTail tail = new LogTail(new LogSearch(new OpenSearchAsyncClient(transport), indices, bounded),
                    PodLogSource.NONE, bounded);
            String catchUpFrom = null;
            int catchUpLines = 0;
            for (String rateText : rates) {
                int rate = Integer.parseInt(rateText.strip());
                String namespace = "team-r" + rate;
                ConcurrentHashMap<String, Long> arrived = new ConcurrentHashMap<>();
                AtomicInteger gaps = new AtomicInteger();
                List<String> firstId = new ArrayList<>();
                Disposable stream = tail.tail(namespace, LogFilter.NONE, null, Mono.empty(), Instant.MAX)
                        .subscribe(event -> {
                            if (event.data() instanceof LogLine line) {
                                arrived.putIfAbsent(line.message(), System.nanoTime());
                                if (firstId.isEmpty()) {
                                    firstId.add(event.id());
                                }
                            } else if ("gap".equals(event.event())) {
                                gaps.incrementAndGet();
                            }
                        });
                Thread.sleep(2_000);
                ConcurrentHashMap<String, Long> written = new ConcurrentHashMap<>();
                Path file = CriFiles.file(logs, "writer", namespace, "main");
                try (BufferedWriter out = Files.newBufferedWriter(file)) {
                    long start = System.nanoTime();
                    long n = 0;
                    while (System.nanoTime() - start < seconds * 1_000_000_000L) {
                        long due = (System.nanoTime() - start) * rate / 1_000_000_000L;
                        for (; n < due; n++) {
                            String message = "r" + rate + " line " + n;
                            out.write(Instant.now() + " stdout F " + message + "\n");
                            written.put(message, System.nanoTime());
                        }
                        out.flush();
                        Thread.sleep(5);
                    }
                }
                Thread.sleep(20_000); // let the pipeline drain
                stream.dispose();
                List<Long> latencies = new ArrayList<>();
                written.forEach((message, at) -> {
                    Long seen = arrived.get(message);
                    if (seen != null) {
                        latencies.add((seen - at) / 1_000_000);
                    }
                });
                Collections.sort(latencies);
                System.out.printf("BENCH tail rate=%d seconds=%d written=%d received=%d gaps=%d write_to_visible_ms "
                                + "p50=%d p95=%d max=%d%n", rate, seconds, written.size(), arrived.size(), gaps.get(),
                        pct(latencies, 0.5), pct(latencies, 0.95), latencies.isEmpty() ? -1 : latencies.getLast());
                if (!firstId.isEmpty() && arrived.size() > catchUpLines) {
                    catchUpFrom = namespace + " " + firstId.getFirst();
                    catchUpLines = arrived.size();
                }
            }
            if (catchUpFrom != null) {
                String namespace = catchUpFrom.split(" ")[0];
                QueryProperties unbounded = properties(10_000_000);
                LogTail fast = new LogTail(new LogSearch(new OpenSearchAsyncClient(transport), indices, unbounded),
                        PodLogSource.NONE, unbounded);
                AtomicLong received = new AtomicLong();
                AtomicLong last = new AtomicLong();
                long t0 = System.nanoTime();
                Disposable stream = fast.tail(namespace, LogFilter.NONE, catchUpFrom.split(" ")[1], Mono.empty(),
                        Instant.MAX).subscribe(event -> {
                            if (event.data() instanceof LogLine) {
                                received.incrementAndGet();
                                last.set(System.nanoTime());
                            }
                        });
                // resumed after the first line: the rest of what the live tail had received, then it stalls
                long expected = catchUpLines - 1L;
                long stalledSince = System.nanoTime();
                long seen = 0;
                while (received.get() < expected && System.nanoTime() - stalledSince < 10_000_000_000L
                        && System.nanoTime() - t0 < 180_000_000_000L) {
                    Thread.sleep(200);
                    if (received.get() != seen) {
                        seen = received.get();
                        stalledSince = System.nanoTime();
                    }
                }
                stream.dispose();
                if (received.get() == 0) {
                    System.out.printf("BENCH tail_catch_up namespace=%s lines=0 expected=%d (nothing delivered)%n",
                            namespace, expected);
                } else {
                    double s = (last.get() - t0) / 1e9;
                    System.out.printf("BENCH tail_catch_up namespace=%s lines=%d expected=%d seconds=%.1f "
                            + "lines_per_s=%.0f%n", namespace, received.get(), expected, s, received.get() / s);
                }
            }
            collector.stop();
            transport.close();
        }
        System.exit(0);
    }

    private static QueryProperties properties(int rate) {
        return new QueryProperties("portal.ai/workload", 1000, 10000, 256, Duration.ofMillis(250),
                Duration.ofSeconds(5), 20, Duration.ofSeconds(5), rate, Duration.ofSeconds(30), Duration.ofHours(1),
                Duration.ofSeconds(5), 5);
    }

    private static long pct(List<Long> sorted, double p) {
        return sorted.isEmpty() ? -1 : sorted.get(Math.min(sorted.size() - 1, (int) (sorted.size() * p)));
    }

    private TailBenchmark() {
    }
}
