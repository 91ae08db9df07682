package ai.portal.logs.metrics;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Every PromQL query of the metrics API, built from a {@link GpuScope} and a {@link GpuSignal} (pure: unit-tested
 * without Prometheus). Per workload the answer is per GPU (the raw DCGM series of its pods); per team per pod and per
 * fleet per GPU type, from the recording rules of infra/monitoring/rules or, with {@code recordingRules} off, from
 * the same expressions computed on the fly. A coarse step summarises the samples within it
 * ({@code avg_over_time} for utilisation, {@code max_over_time} for temperature), so a 6-hour chart of 240 points
 * still shows a spike that lasted a minute.
 */
final class GpuQueries {

    /** The DCGM label that tells a held GPU from a free one: dcgm-exporter sets pod only while a pod holds it. */
    static final String POD = "pod";
    static final String NAMESPACE = "namespace";
    static final String GPU_TYPE = "modelName";

    private final boolean recordingRules;

    GpuQueries(boolean recordingRules) {
        this.recordingRules = recordingRules;
    }

    /** The level of an aggregate: which labels its series keep, and its recording rules' prefix. */
    enum Level {
        TEAM("namespace_pod", "namespace, pod"),
        FLEET("modelName", "modelName");

        final String prefix;
        final String by;

        Level(String prefix, String by) {
            this.prefix = prefix;
            this.by = by;
        }
    }

    /** A series of the chart, over the step before each point. */
    String range(GpuScope scope, GpuSignal signal, Duration step) {
        String window = "[" + PromQL.duration(step) + "]";
        return switch (scope) {
            case GpuScope.Workload w -> signal.overTime + "(" + perGpu(w, signal) + window + ")";
            case GpuScope.Team t -> aggregate(Level.TEAM, signal, t.namespace(), window);
            case GpuScope.Fleet f -> aggregate(Level.FLEET, signal, null, window);
        };
    }

    /** The value now. */
    String current(GpuScope scope, GpuSignal signal) {
        return switch (scope) {
            case GpuScope.Workload w -> perGpu(w, signal).toString();
            case GpuScope.Team t -> aggregate(Level.TEAM, signal, t.namespace(), null);
            case GpuScope.Fleet f -> aggregate(Level.FLEET, signal, null, null);
        };
    }

    /**
     * Every GPU of the scope now, with one series per GPU and signal, told apart by the label {@code signal}: one
     * query instead of one per signal. {@code memoryTotal} and {@code xid} come along for the GPU list.
     */
    String gpusNow(GpuScope scope) {
        PromQL.Selector base = heldGpus(scope);
        return List.of(
                        tagged(base, "DCGM_FI_DEV_GPU_UTIL", GpuSignal.UTILIZATION.wireName),
                        tagged(base, "DCGM_FI_DEV_FB_USED", GpuSignal.MEMORY_USED.wireName),
                        tagged(base, "DCGM_FI_DEV_FB_FREE", "memoryFree"),
                        tagged(base, "DCGM_FI_DEV_POWER_USAGE", GpuSignal.POWER.wireName),
                        tagged(base, "DCGM_FI_DEV_GPU_TEMP", GpuSignal.TEMPERATURE.wireName),
                        tagged(base, "DCGM_FI_DEV_XID_ERRORS", "xid"))
                .stream().collect(Collectors.joining(" or "));
    }

    private static String tagged(PromQL.Selector base, String metric, String signal) {
        return tagged(new PromQL.Selector(metric, base.matchers()).toString(), signal);
    }

    /** The expression's series with the label {@code signal} added, so several expressions fit one query. */
    static String tagged(String expression, String signal) {
        return "label_replace(" + expression + ", \"signal\", " + PromQL.quote(signal) + ", \"\", \"\")";
    }

    /** The fleet by GPU type now, every figure of {@link GpuApi.GpuTypeNow} in one query. */
    String fleetNow(double idleThresholdPercent) {
        GpuScope fleet = new GpuScope.Fleet();
        return String.join(" or ",
                tagged(current(fleet, GpuSignal.GPUS), GpuSignal.GPUS.wireName),
                tagged(current(fleet, GpuSignal.GPUS_ALLOCATED), GpuSignal.GPUS_ALLOCATED.wireName),
                tagged(fleetIdleNow(idleThresholdPercent), "allocatedIdleNow"),
                tagged(current(fleet, GpuSignal.UTILIZATION), GpuSignal.UTILIZATION.wireName),
                tagged(current(fleet, GpuSignal.MEMORY_USED), GpuSignal.MEMORY_USED.wireName),
                tagged(recordingRules ? FLEET_MEMORY_TOTAL : RECORDED.get(FLEET_MEMORY_TOTAL), "memoryTotal"),
                tagged(current(fleet, GpuSignal.POWER), GpuSignal.POWER.wireName),
                tagged(current(fleet, GpuSignal.TEMPERATURE), GpuSignal.TEMPERATURE.wireName));
    }

    /** GPUs each namespace's pods hold now, and their mean utilisation. */
    String teamsNow() {
        return String.join(" or ",
                tagged(recordingRules ? TEAMS_ALLOCATED : RECORDED.get(TEAMS_ALLOCATED), GpuSignal.GPUS_ALLOCATED.wireName),
                tagged(recordingRules ? TEAMS_UTILIZATION : RECORDED.get(TEAMS_UTILIZATION), GpuSignal.UTILIZATION.wireName));
    }

    static final String FLEET_MEMORY_TOTAL = "modelName:dcgm_fb_total_mib:sum";
    static final String TEAMS_ALLOCATED = "namespace:dcgm_gpus_allocated:count";
    static final String TEAMS_UTILIZATION = "namespace:dcgm_gpu_utilization:avg";

    /**
     * Every recording rule this API reads, with the expression it must record (infra/monitoring/rules/
     * gpu-aggregates.rules.yaml; GpuQueriesTest holds the rules to exactly these). With {@code recordingRules} off
     * the API evaluates the expressions itself.
     */
    static final Map<String, String> RECORDED = recordedRules();

    private static Map<String, String> recordedRules() {
        Map<String, String> rules = new TreeMap<>();
        for (Level level : Level.values()) {
            for (GpuSignal signal : GpuSignal.values()) {
                if (level == Level.TEAM && signal == GpuSignal.GPUS) {
                    continue;
                }
                rules.put(recordedName(level, signal), recordedExpression(level, signal));
            }
        }
        rules.put(FLEET_MEMORY_TOTAL, "sum by (modelName) (DCGM_FI_DEV_FB_USED + DCGM_FI_DEV_FB_FREE)");
        rules.put(TEAMS_ALLOCATED, "count by (namespace) (DCGM_FI_DEV_GPU_UTIL{pod!=\"\"})");
        rules.put(TEAMS_UTILIZATION, "avg by (namespace) (DCGM_FI_DEV_GPU_UTIL{pod!=\"\"})");
        return Collections.unmodifiableMap(rules);
    }

    /**
     * GPUs of the scope that a pod has held for the whole period (the same pod held it a period ago and holds it
     * now) and whose utilisation never reached the threshold in it; the value is the peak utilisation.
     */
    String idleGpus(GpuScope scope, double thresholdPercent, Duration period) {
        String held = heldGpus(scope).toString();
        String p = PromQL.duration(period);
        return "max_over_time(" + held + "[" + p + "]) < " + PromQL.number(thresholdPercent)
                + " and on (namespace, pod, UUID) (" + held + " offset " + p + ")"
                + " and on (namespace, pod, UUID) " + held;
    }

    /** How many GPUs the scope's pods hold now. */
    String heldCount(GpuScope scope) {
        return "count(" + heldGpus(scope) + ")";
    }

    /** GPUs below the threshold right now, per GPU type (the fleet's "allocated but idle now"). */
    String fleetIdleNow(double thresholdPercent) {
        return "count by (modelName) (" + PromQL.select("DCGM_FI_DEV_GPU_UTIL").present(POD) + " < "
                + PromQL.number(thresholdPercent) + ")";
    }

    /** The utilisation series of held GPUs: per GPU for a workload or team, every held GPU for the fleet. */
    private static PromQL.Selector heldGpus(GpuScope scope) {
        PromQL.Selector util = PromQL.select("DCGM_FI_DEV_GPU_UTIL");
        return switch (scope) {
            case GpuScope.Workload w -> util.eq(NAMESPACE, w.namespace()).in(POD, w.pods());
            case GpuScope.Team t -> util.eq(NAMESPACE, t.namespace()).present(POD);
            case GpuScope.Fleet f -> util.present(POD);
        };
    }

    private static PromQL.Selector perGpu(GpuScope.Workload w, GpuSignal signal) {
        if (!signal.perGpu()) {
            throw MetricsExceptions.invalid("signals", "Signal '" + signal.wireName + "' is for teams and the fleet, "
                    + "not for one workload's GPUs.");
        }
        return PromQL.select(signal.dcgmMetric).eq(NAMESPACE, w.namespace()).in(POD, w.pods());
    }

    private String aggregate(Level level, GpuSignal signal, String namespace, String window) {
        if (level == Level.TEAM && signal == GpuSignal.GPUS) {
            throw MetricsExceptions.invalid("signals", "Signal 'gpus' (every GPU, held or free) is for the fleet only.");
        }
        if (recordingRules) {
            PromQL.Selector recorded = PromQL.select(recordedName(level, signal));
            if (namespace != null) {
                recorded = recorded.eq(NAMESPACE, namespace);
            }
            return window == null ? recorded.toString() : signal.overTime + "(" + recorded + window + ")";
        }
        PromQL.Selector raw = rawSelector(level, signal);
        if (namespace != null) {
            raw = new PromQL.Selector(raw.metric(), List.of()).eq(NAMESPACE, namespace).present(POD);
        }
        String inner = window == null ? raw.toString() : signal.overTime + "(" + raw + window + ")";
        return signal.aggregation + " by (" + level.by + ") (" + inner + ")";
    }

    /** {@code namespace_pod:dcgm_gpu_utilization:avg}, {@code modelName:dcgm_gpus:count}, ... */
    static String recordedName(Level level, GpuSignal signal) {
        return level.prefix + ":dcgm_" + signal.recordedSuffix + ":" + signal.aggregation;
    }

    /**
     * The expression a recording rule of infra/monitoring/rules/gpu-aggregates.rules.yaml records under
     * {@link #recordedName}: GpuQueriesTest holds the rules to exactly these.
     */
    static String recordedExpression(Level level, GpuSignal signal) {
        return signal.aggregation + " by (" + level.by + ") (" + rawSelector(level, signal) + ")";
    }

    /** A team's aggregates count held GPUs only; the fleet's count every GPU, except "allocated". */
    private static PromQL.Selector rawSelector(Level level, GpuSignal signal) {
        PromQL.Selector raw = PromQL.select(signal.dcgmMetric);
        return level == Level.TEAM || signal == GpuSignal.GPUS_ALLOCATED ? raw.present(POD) : raw;
    }

    /** The signals a scope can chart. */
    static Set<GpuSignal> supported(GpuScope scope) {
        return switch (scope) {
            case GpuScope.Workload w -> GpuSignal.PANEL;
            case GpuScope.Team t -> Set.of(GpuSignal.UTILIZATION, GpuSignal.MEMORY_USED, GpuSignal.POWER,
                    GpuSignal.TEMPERATURE, GpuSignal.GPUS_ALLOCATED);
            case GpuScope.Fleet f -> Set.of(GpuSignal.values());
        };
    }
}
