package ai.portal.logs.metrics;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a GPU chart can show, from NVIDIA dcgm-exporter's metrics. Each signal knows its DCGM metric, how GPUs add up
 * (a team's utilisation is the mean of its GPUs', its power their sum), how points of a coarse step summarise the
 * samples in it (mean utilisation, peak temperature), and the recording rule that holds its aggregates.
 */
enum GpuSignal {

    UTILIZATION("utilization", "percent", "DCGM_FI_DEV_GPU_UTIL", "avg", "gpu_utilization", "avg_over_time"),
    MEMORY_USED("memoryUsed", "MiB", "DCGM_FI_DEV_FB_USED", "sum", "fb_used_mib", "max_over_time"),
    POWER("power", "W", "DCGM_FI_DEV_POWER_USAGE", "sum", "power_watts", "avg_over_time"),
    TEMPERATURE("temperature", "celsius", "DCGM_FI_DEV_GPU_TEMP", "max", "gpu_temp_celsius", "max_over_time"),
    /** GPUs held by pods (team: per pod; fleet: per GPU type). */
    GPUS_ALLOCATED("gpusAllocated", "GPUs", "DCGM_FI_DEV_GPU_UTIL", "count", "gpus_allocated", "max_over_time"),
    /** Every GPU, held or free (fleet only). */
    GPUS("gpus", "GPUs", "DCGM_FI_DEV_GPU_UTIL", "count", "gpus", "max_over_time");

    /** What a chart shows by default: the four a GPU panel has. */
    static final Set<GpuSignal> PANEL = Set.of(UTILIZATION, MEMORY_USED, POWER, TEMPERATURE);

    final String wireName;
    final String unit;
    final String dcgmMetric;
    final String aggregation;
    final String recordedSuffix;
    final String overTime;

    GpuSignal(String wireName, String unit, String dcgmMetric, String aggregation, String recordedSuffix,
              String overTime) {
        this.wireName = wireName;
        this.unit = unit;
        this.dcgmMetric = dcgmMetric;
        this.aggregation = aggregation;
        this.recordedSuffix = recordedSuffix;
        this.overTime = overTime;
    }

    /** Counting GPUs only means something for aggregates, not for one GPU's series. */
    boolean perGpu() {
        return this != GPUS_ALLOCATED && this != GPUS;
    }

    static GpuSignal parse(String wireName) {
        for (GpuSignal signal : values()) {
            if (signal.wireName.equalsIgnoreCase(wireName.strip())) {
                return signal;
            }
        }
        throw MetricsExceptions.invalid("signals", "Unknown signal '" + abbreviate(wireName) + "'; use "
                + Arrays.stream(values()).map(s -> s.wireName).collect(Collectors.joining(", ")) + ".");
    }

    static String abbreviate(String text) {
        String printable = text.codePoints().filter(c -> !Character.isISOControl(c))
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return printable.length() > 40 ? printable.substring(0, 40) + "…" : printable;
    }
}
