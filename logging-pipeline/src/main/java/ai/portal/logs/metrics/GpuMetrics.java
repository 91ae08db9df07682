package ai.portal.logs.metrics;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

import ai.portal.platform.team.TeamNames;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The metrics API's use cases, once the caller's access is settled: charts, the GPUs now, and idle GPUs, per
 * workload, team or fleet. Every query comes from {@link GpuQueries}; the namespace from the access check, the pods
 * from {@link WorkloadPods}. Without a configured Prometheus every use case fails with "metrics unavailable".
 */
class GpuMetrics {

    private final Optional<PrometheusClient> prometheus;
    private final GpuQueries queries;
    private final WorkloadPods workloadPods;
    private final MetricsProperties properties;
    private final Clock clock;

    GpuMetrics(Optional<PrometheusClient> prometheus, GpuQueries queries, WorkloadPods workloadPods,
               MetricsProperties properties, Clock clock) {
        this.prometheus = prometheus;
        this.queries = queries;
        this.workloadPods = workloadPods;
        this.properties = properties;
        this.clock = clock;
    }

    Instant now() {
        return clock.instant();
    }

    /** The workload's pods, as the chart and the idle check see them. */
    GpuScope.Workload workload(String namespace, String workload) {
        return new GpuScope.Workload(namespace, workload,
                workloadPods.of(namespace, workload).stream().map(WorkloadPods.WorkloadPod::name).toList());
    }

    Mono<GpuApi.SeriesPage> series(GpuScope scope, Set<GpuSignal> signals, Resolution grid) {
        for (GpuSignal signal : signals) {
            if (!GpuQueries.supported(scope).contains(signal)) {
                throw MetricsExceptions.invalid("signals", "Signal '" + signal.wireName + "' is not available for a "
                        + kind(scope) + ".");
            }
        }
        List<GpuSignal> ordered = signals.stream().sorted().toList();
        Mono<List<GpuApi.SignalSeries>> all;
        if (scope instanceof GpuScope.Workload w && w.pods().isEmpty()) {
            all = Mono.just(ordered.stream().map(s -> new GpuApi.SignalSeries(s.wireName, s.unit, List.of())).toList());
        } else {
            PrometheusClient client = client();
            all = Flux.fromIterable(ordered)
                    .flatMapSequential(signal -> client.range(queries.range(scope, signal, grid.step()), grid.start(),
                                    grid.end(), grid.step())
                            .map(found -> signalSeries(scope, signal, found, grid)), 4)
                    .collectList();
        }
        return all.map(found -> {
            int total = found.stream().mapToInt(s -> s.series().size()).sum();
            if (total > properties.maxSeries()) {
                throw MetricsExceptions.tooHeavy("The answer would hold " + total + " series, more than the "
                        + properties.maxSeries() + " this API returns. Ask for fewer signals.");
            }
            return new GpuApi.SeriesPage(kind(scope), team(scope), workloadName(scope), pods(scope), grid.start(),
                    grid.end(), grid.step().toString(), grid.step().toSeconds(), grid.points(), found,
                    dashboard(scope, grid.start(), grid.end()));
        });
    }

    Mono<GpuApi.GpusNow> gpusNow(GpuScope scope) {
        Instant time = clock.instant();
        if (scope instanceof GpuScope.Workload w && w.pods().isEmpty()) {
            return Mono.just(new GpuApi.GpusNow(team(scope), w.workload(), time, List.of(),
                    dashboard(scope, time.minus(Duration.ofHours(1)), time)));
        }
        return client().instant(queries.gpusNow(scope), time).map(samples -> {
            Map<String, Map<String, PrometheusClient.Sample>> byGpu = new TreeMap<>();
            for (PrometheusClient.Sample sample : samples) {
                Map<String, String> l = sample.labels();
                byGpu.computeIfAbsent(l.get("pod") + "/" + l.get("Hostname") + "/" + l.get("gpu"),
                        key -> new LinkedHashMap<>()).put(l.get("signal"), sample);
            }
            List<GpuApi.GpuReading> gpus = new ArrayList<>();
            for (Map<String, PrometheusClient.Sample> gpu : byGpu.values()) {
                Map<String, String> l = gpu.values().iterator().next().labels();
                Double used = value(gpu, GpuSignal.MEMORY_USED.wireName);
                Double free = value(gpu, "memoryFree");
                Double xid = value(gpu, "xid");
                gpus.add(new GpuApi.GpuReading(l.get("pod"), workloadOf(l), l.get("gpu"), l.get("UUID"),
                        l.get("Hostname"), l.get("modelName"), value(gpu, GpuSignal.UTILIZATION.wireName), used,
                        used == null || free == null ? null : used + free, value(gpu, GpuSignal.POWER.wireName),
                        value(gpu, GpuSignal.TEMPERATURE.wireName), xid == null ? 0 : xid.intValue()));
            }
            return new GpuApi.GpusNow(team(scope), workloadName(scope), time, gpus,
                    dashboard(scope, time.minus(Duration.ofHours(1)), time));
        });
    }

    Mono<GpuApi.IdleReport> idle(GpuScope scope, double thresholdPercent, Duration period) {
        Instant time = clock.instant();
        if (scope instanceof GpuScope.Workload w && w.pods().isEmpty()) {
            return Mono.just(new GpuApi.IdleReport(team(scope), w.workload(), thresholdPercent, period.toString(), time,
                    0, false, List.of()));
        }
        PrometheusClient client = client();
        Mono<Integer> heldNow = client.instant(queries.heldCount(scope), time)
                .map(found -> found.isEmpty() ? 0 : (int) found.getFirst().value());
        Mono<List<GpuApi.IdleGpu>> idleGpus = client.instant(queries.idleGpus(scope, thresholdPercent, period), time)
                .map(found -> found.stream().map(sample -> {
                    Map<String, String> l = sample.labels();
                    return new GpuApi.IdleGpu(TeamNames.slugOfNamespace(l.get("namespace")).orElse(null),
                            l.get("namespace"), l.get("pod"), workloadOf(l), l.get("gpu"), l.get("UUID"),
                            l.get("Hostname"), l.get("modelName"), sample.value());
                }).sorted(Comparator.comparing(GpuApi.IdleGpu::namespace).thenComparing(GpuApi.IdleGpu::pod)
                        .thenComparing(GpuApi.IdleGpu::uuid)).toList());
        return Mono.zip(heldNow, idleGpus).map(both -> new GpuApi.IdleReport(team(scope), workloadName(scope),
                thresholdPercent, period.toString(), time, both.getT1(),
                both.getT1() > 0 && both.getT2().size() >= both.getT1(), both.getT2()));
    }

    Mono<GpuApi.FleetNow> fleetNow() {
        Instant time = clock.instant();
        double threshold = properties.idle().thresholdPercent();
        PrometheusClient client = client();
        Mono<List<GpuApi.GpuTypeNow>> types = client.instant(queries.fleetNow(threshold), time).map(samples -> {
            Map<String, Map<String, PrometheusClient.Sample>> byType = group(samples, l -> l.get("modelName"));
            List<GpuApi.GpuTypeNow> out = new ArrayList<>();
            byType.forEach((type, s) -> out.add(new GpuApi.GpuTypeNow(type, count(s, GpuSignal.GPUS.wireName),
                    count(s, GpuSignal.GPUS_ALLOCATED.wireName), count(s, "allocatedIdleNow"),
                    value(s, GpuSignal.UTILIZATION.wireName), value(s, GpuSignal.MEMORY_USED.wireName),
                    value(s, "memoryTotal"), value(s, GpuSignal.POWER.wireName), value(s, GpuSignal.TEMPERATURE.wireName))));
            return out;
        });
        Mono<List<GpuApi.TeamGpus>> teams = client.instant(queries.teamsNow(), time).map(samples -> {
            Map<String, Map<String, PrometheusClient.Sample>> byNamespace = group(samples, l -> l.get("namespace"));
            List<GpuApi.TeamGpus> out = new ArrayList<>();
            byNamespace.forEach((namespace, s) -> out.add(new GpuApi.TeamGpus(
                    TeamNames.slugOfNamespace(namespace).orElse(null), namespace,
                    count(s, GpuSignal.GPUS_ALLOCATED.wireName), value(s, GpuSignal.UTILIZATION.wireName))));
            out.sort(Comparator.comparingInt(GpuApi.TeamGpus::allocated).reversed()
                    .thenComparing(GpuApi.TeamGpus::namespace));
            return out;
        });
        return Mono.zip(types, teams).map(both -> new GpuApi.FleetNow(time, threshold, both.getT1(), both.getT2(),
                dashboard(new GpuScope.Fleet(), time.minus(Duration.ofHours(6)), time)));
    }

    private PrometheusClient client() {
        return prometheus.orElseThrow(() -> MetricsExceptions.unavailable("No Prometheus is configured for this "
                + "portal (portal.metrics.prometheus-url), so there are no GPU metrics. Everything else works."));
    }

    private GpuApi.SignalSeries signalSeries(GpuScope scope, GpuSignal signal, List<PrometheusClient.RangeSeries> found,
                                             Resolution grid) {
        List<GpuApi.Series> series = new ArrayList<>();
        long startMillis = grid.start().toEpochMilli();
        long stepMillis = grid.step().toMillis();
        int points = grid.points();
        for (PrometheusClient.RangeSeries one : found) {
            List<Double> values = new ArrayList<>(Collections.nCopies(points, (Double) null));
            for (PrometheusClient.Point point : one.points()) {
                long index = Math.round((point.epochSeconds() * 1000 - startMillis) / stepMillis);
                if (index >= 0 && index < points && !Double.isNaN(point.value())) {
                    values.set((int) index, point.value());
                }
            }
            series.add(new GpuApi.Series(labels(scope, one.labels()), values));
        }
        series.sort(Comparator.comparing(s -> String.join("/", s.labels().values())));
        return new GpuApi.SignalSeries(signal.wireName, signal.unit, series);
    }

    /** The labels a chart shows, in the API's words; nothing else of Prometheus' leaks out. */
    private Map<String, String> labels(GpuScope scope, Map<String, String> raw) {
        Map<String, String> out = new LinkedHashMap<>();
        switch (scope) {
            case GpuScope.Workload w -> {
                out.put("pod", raw.get("pod"));
                out.put("gpu", raw.get("gpu"));
                out.put("uuid", raw.get("UUID"));
                out.put("node", raw.get("Hostname"));
                out.put("gpuType", raw.get("modelName"));
            }
            case GpuScope.Team t -> {
                out.put("pod", raw.get("pod"));
                out.put("workload", workloadOf(raw));
            }
            case GpuScope.Fleet f -> out.put("gpuType", raw.get("modelName"));
        }
        out.values().removeIf(Objects::isNull);
        return out;
    }

    private String workloadOf(Map<String, String> labels) {
        String namespace = labels.get("namespace");
        String pod = labels.get("pod");
        return namespace == null || pod == null ? null : workloadPods.workloadOf(namespace, pod).orElse(null);
    }

    private static Map<String, Map<String, PrometheusClient.Sample>> group(List<PrometheusClient.Sample> samples,
                                                                           Function<Map<String, String>, String> key) {
        Map<String, Map<String, PrometheusClient.Sample>> out = new TreeMap<>();
        for (PrometheusClient.Sample sample : samples) {
            String k = key.apply(sample.labels());
            if (k != null) {
                out.computeIfAbsent(k, x -> new LinkedHashMap<>()).put(sample.labels().get("signal"), sample);
            }
        }
        return out;
    }

    private static Double value(Map<String, PrometheusClient.Sample> bySignal, String signal) {
        PrometheusClient.Sample sample = bySignal.get(signal);
        return sample == null || Double.isNaN(sample.value()) ? null : sample.value();
    }

    private static int count(Map<String, PrometheusClient.Sample> bySignal, String signal) {
        Double value = value(bySignal, signal);
        return value == null ? 0 : value.intValue();
    }

    private static String kind(GpuScope scope) {
        return switch (scope) {
            case GpuScope.Workload w -> "workload";
            case GpuScope.Team t -> "team";
            case GpuScope.Fleet f -> "fleet";
        };
    }

    private static String team(GpuScope scope) {
        return switch (scope) {
            case GpuScope.Workload w -> TeamNames.slugOfNamespace(w.namespace()).orElse(null);
            case GpuScope.Team t -> TeamNames.slugOfNamespace(t.namespace()).orElse(null);
            case GpuScope.Fleet f -> null;
        };
    }

    private static String workloadName(GpuScope scope) {
        return scope instanceof GpuScope.Workload w ? w.workload() : null;
    }

    private static List<String> pods(GpuScope scope) {
        return scope instanceof GpuScope.Workload w ? w.pods() : null;
    }

    /** Grafana's dashboard for the scope, variables and time range filled in; null without a Grafana URL. */
    String dashboard(GpuScope scope, Instant from, Instant to) {
        MetricsProperties.Grafana grafana = properties.grafana();
        if (grafana.url() == null) {
            return null;
        }
        StringBuilder url = new StringBuilder(grafana.url().toString().replaceAll("/+$", "")).append("/d/");
        List<String> params = new ArrayList<>();
        switch (scope) {
            case GpuScope.Workload w -> {
                url.append(encode(grafana.workloadDashboard()));
                params.add("var-namespace=" + encode(w.namespace()));
                w.pods().forEach(pod -> params.add("var-pod=" + encode(pod)));
            }
            case GpuScope.Team t -> {
                url.append(encode(grafana.teamDashboard()));
                params.add("var-namespace=" + encode(t.namespace()));
            }
            case GpuScope.Fleet f -> url.append(encode(grafana.fleetDashboard()));
        }
        params.add("from=" + from.toEpochMilli());
        params.add("to=" + to.toEpochMilli());
        return url.append("?").append(String.join("&", params)).toString();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
