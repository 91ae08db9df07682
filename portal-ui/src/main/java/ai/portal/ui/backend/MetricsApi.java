package ai.portal.ui.backend;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The GPU metrics API of logging-pipeline (DCGM exporter metrics from Prometheus) as the UI reads it: charts of a
 * workload, a team or the fleet, the GPUs now, and GPUs allocated but idle.
 */
public final class MetricsApi {

    private MetricsApi() {
    }

    /** The signals a GPU panel shows, with the unit the API gives them in. */
    public static final List<String> PANEL_SIGNALS = List.of("utilization", "memoryUsed", "power", "temperature");

    /** A chart's question: how far back, at about how many points, which signals (null: the panel's four). */
    public record ChartQuery(String range, Integer points, List<String> signals) {
    }

    /** Series of one scope on one time grid: value i of every series is at {@code start + i × stepSeconds}. */
    public record SeriesPage(String scope, String team, String workload, List<String> pods, Instant start,
                             Instant end, String step, long stepSeconds, int points, List<SignalSeries> signals,
                             String dashboardUrl) {

        public SeriesPage {
            pods = pods == null ? List.of() : pods;
            signals = signals == null ? List.of() : signals;
        }

        public SignalSeries signal(String name) {
            return signals.stream().filter(s -> name.equals(s.signal())).findFirst().orElse(null);
        }
    }

    /** One signal (utilization, memoryUsed, power, temperature, gpusAllocated, gpus) in its unit. */
    public record SignalSeries(String signal, String unit, List<Series> series) {

        public SignalSeries {
            series = series == null ? List.of() : series;
        }
    }

    /** One line: its labels (workload: pod, gpu, node, gpuType; team: pod, workload; fleet: gpuType), its values. */
    public record Series(Map<String, String> labels, List<Double> values) {

        public Series {
            labels = labels == null ? Map.of() : labels;
            values = values == null ? List.of() : values;
        }
    }

    /** The cluster's GPUs now, by GPU type and by team (platform admins). */
    public record FleetNow(Instant time, double idleThresholdPercent, List<GpuTypeNow> types, List<TeamGpus> teams,
                           String dashboardUrl) {

        public FleetNow {
            types = types == null ? List.of() : types;
            teams = teams == null ? List.of() : teams;
        }
    }

    public record GpuTypeNow(String gpuType, int gpus, int allocated, int allocatedIdleNow, Double utilization,
                             Double memoryUsedMiB, Double memoryTotalMiB, Double powerWatts,
                             Double maxTemperatureCelsius) {
    }

    public record TeamGpus(String team, String namespace, int allocated, Double utilization) {
    }
}
