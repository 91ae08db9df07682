package ai.portal.logs.metrics;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.swagger.v3.oas.annotations.media.Schema;

/** What the GPU metrics API answers (JSON). Times are UTC instants, durations ISO-8601. */
public final class GpuApi {

    private GpuApi() {
    }

    @Schema(description = "Time series of one scope on one time grid: value i of every series is at start + i × step "
            + "(null where there was no sample, e.g. before a pod started).")
    public record SeriesPage(
            @Schema(description = "workload, team or fleet") String scope,
            @Schema(description = "the team's slug; null for the fleet") String team,
            @Schema(description = "the workload's name; null unless scope is workload") String workload,
            @Schema(description = "the workload's pods the series cover (live and recently deleted)") List<String> pods,
            Instant start,
            Instant end,
            @Schema(description = "ISO-8601 step between points, e.g. PT1M") String step,
            long stepSeconds,
            int points,
            List<SignalSeries> signals,
            @Schema(description = "the matching Grafana dashboard with its variables filled in, when an admin set a "
                    + "Grafana URL (portal.metrics.grafana.url); else null") String dashboardUrl) {
    }

    public record SignalSeries(
            @Schema(description = "utilization, memoryUsed, power, temperature, gpusAllocated or gpus") String signal,
            @Schema(description = "percent, MiB, W, celsius or GPUs") String unit,
            List<Series> series) {
    }

    @Schema(description = "One line of a chart. Labels per scope: workload {pod, gpu, uuid, node, gpuType}, team "
            + "{pod, workload}, fleet {gpuType}.")
    public record Series(Map<String, String> labels, List<Double> values) {
    }

    @Schema(description = "Every GPU of a workload or team now.")
    public record GpusNow(String team, String workload, Instant time, List<GpuReading> gpus, String dashboardUrl) {
    }

    public record GpuReading(String pod,
                             @Schema(description = "the portal workload of the pod, when known") String workload,
                             @Schema(description = "device index on its node") String gpu,
                             String uuid,
                             String node,
                             @Schema(description = "dcgm-exporter's modelName, e.g. NVIDIA A100-SXM4-80GB") String gpuType,
                             @Schema(description = "percent") Double utilization,
                             Double memoryUsedMiB,
                             Double memoryTotalMiB,
                             Double powerWatts,
                             Double temperatureCelsius,
                             @Schema(description = "the GPU's last XID error, 0 for none") int xidError) {
    }

    @Schema(description = "GPUs allocated but idle: held by the same pod for the whole period without reaching the "
            + "threshold.")
    public record IdleReport(String team,
                             String workload,
                             double thresholdPercent,
                             @Schema(description = "ISO-8601 period, e.g. PT1H") String period,
                             Instant checkedAt,
                             @Schema(description = "GPUs the scope's pods hold now") int gpusHeld,
                             @Schema(description = "true when the scope holds GPUs and every one of them is idle: "
                                     + "what an idle culler asks") boolean idle,
                             List<IdleGpu> idleGpus) {
    }

    public record IdleGpu(String team,
                          String namespace,
                          String pod,
                          String workload,
                          String gpu,
                          String uuid,
                          String node,
                          String gpuType,
                          @Schema(description = "highest utilisation within the period, percent") double peakUtilization) {
    }

    @Schema(description = "The cluster's GPUs now, by GPU type and by team.")
    public record FleetNow(Instant time, double idleThresholdPercent, List<GpuTypeNow> types, List<TeamGpus> teams,
                           String dashboardUrl) {
    }

    public record GpuTypeNow(String gpuType,
                             int gpus,
                             int allocated,
                             @Schema(description = "allocated GPUs below the idle threshold right now") int allocatedIdleNow,
                             Double utilization,
                             Double memoryUsedMiB,
                             Double memoryTotalMiB,
                             Double powerWatts,
                             Double maxTemperatureCelsius) {
    }

    public record TeamGpus(@Schema(description = "the team's slug; null for a namespace that is no team's")
                           String team, String namespace, int allocated, Double utilization) {
    }
}
