package ai.portal.logs.collector;

import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * The collector's counters on {@code /actuator/prometheus} (management port): what an operator alerts on (OpenSearch
 * refusing, the disk buffer filling, reading paused) and what shows the loops are alive (lines read and indexed).
 * Prometheus names: {@code portal_logs_collector_lines_read_total}, {@code ..._buffered_chunks}, ...
 */
class CollectorMetrics implements MeterBinder {

    private final LogCollector collector;

    CollectorMetrics(LogCollector collector) {
        this.collector = collector;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        counter(registry, "lines.read", "lines read from container log files", stats -> stats.linesRead());
        counter(registry, "lines.indexed", "lines OpenSearch acknowledged as new documents", stats -> stats.linesIndexed());
        counter(registry, "duplicates", "lines OpenSearch already held (sent again after a crash or retry)",
                stats -> stats.duplicates());
        counter(registry, "rejected", "lines OpenSearch refused for good (mapping errors)", stats -> stats.rejected());
        counter(registry, "bulk.failures", "bulk requests that failed and were retried", stats -> stats.bulkFailures());
        gauge(registry, "buffered.chunks", "sealed chunks waiting on disk to be sent", stats -> stats.bufferedChunks());
        gauge(registry, "buffered.bytes", "bytes of sealed chunks waiting on disk", stats -> stats.bufferedBytes());
        gauge(registry, "opensearch.available", "1 while OpenSearch takes bulks, 0 while the collector retries",
                stats -> stats.openSearchAvailable() ? 1 : 0);
        gauge(registry, "backpressured", "1 while reading is paused because the disk buffer is full",
                stats -> stats.backpressured() ? 1 : 0);
    }

    private void counter(MeterRegistry registry, String name, String description,
                         ToDoubleFunction<LogCollector.Stats> value) {
        FunctionCounter.builder("portal.logs.collector." + name, collector, c -> value.applyAsDouble(c.stats()))
                .description(description).register(registry);
    }

    private void gauge(MeterRegistry registry, String name, String description,
                       ToDoubleFunction<LogCollector.Stats> value) {
        Gauge.builder("portal.logs.collector." + name, collector, c -> value.applyAsDouble(c.stats()))
                .description(description).register(registry);
    }
}
