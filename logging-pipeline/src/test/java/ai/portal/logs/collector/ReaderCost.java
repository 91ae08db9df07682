package ai.portal.logs.collector;

import java.io.BufferedWriter;
import java.nio.file.*;
import java.time.*;
import ai.portal.logs.CriFiles;
import ai.portal.logs.kubernetes.PodMetadata;
import ai.portal.logs.opensearch.*;
import org.apache.hc.core5.http.HttpHost;
import org.opensearch.client.json.jackson.JacksonJsonpMapper;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5TransportBuilder;
import org.springframework.util.unit.DataSize;

public class ReaderCost {
    public static void main(String[] a) throws Exception {
        Path logs = Files.createTempDirectory("rc-logs"), state = Files.createTempDirectory("rc-state");
        int n = 400_000;
        try (BufferedWriter w = Files.newBufferedWriter(CriFiles.file(logs, "p", "team-a", "main"))) {
            for (int i = 0; i < n; i++) w.write(Instant.now() + " stdout F INFO step " + i + " loss 0.1234 lr 0.0003 throughput 812.5 samples/s\n");
        }
        var uri = java.net.URI.create("http://127.0.0.1:1");
        var client = new OpenSearchClient(ApacheHttpClient5TransportBuilder.builder(HttpHost.create(uri)).setMapper(new JacksonJsonpMapper()).build());
        var indices = new LogIndices(new OpenSearchProperties(uri, "x", Duration.ofDays(1), 1, 0, "1s", Duration.ofSeconds(1)), client);
        var c = new LogCollector(new CollectorProperties(true, logs, state, Duration.ofMillis(50), 5000,
                DataSize.ofMegabytes(5), Duration.ofMillis(200), DataSize.ofGigabytes(2), DataSize.ofMegabytes(1),
                Duration.ofSeconds(10), Duration.ofSeconds(10), 1), indices, client, PodMetadata.NONE);
        long t0 = System.nanoTime();
        c.start();
        while (c.stats().linesRead() < n) Thread.sleep(10);
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("reader lines_per_s=%.0f%n", n / s);
        System.exit(0);
    }
}
