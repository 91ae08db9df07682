package ai.portal.jobs.culling;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import ai.portal.jobs.cluster.ClusterState;
import ai.portal.jobs.culling.IdleDecision.Facts;
import ai.portal.jobs.culling.IdleDecision.Keep;
import ai.portal.jobs.culling.IdleDecision.Stop;
import ai.portal.jobs.culling.IdleDecision.Verdict;
import ai.portal.jobs.culling.IdleDecision.Warn;
import ai.portal.jobs.culling.IdleDecision.Warned;
import ai.portal.jobs.launch.LaunchService;
import ai.portal.jobs.leader.Leadership;
import ai.portal.jobs.proxy.NotebookTargets;
import ai.portal.jobs.settings.IdleLimits;
import ai.portal.jobs.settings.TeamIdleLimitsService;
import ai.portal.jobs.workload.Desired;
import ai.portal.jobs.workload.NotebookMarks;
import ai.portal.jobs.workload.WorkloadNames;
import ai.portal.jobs.workload.WorkloadRecord;
import ai.portal.jobs.workload.WorkloadRepository;
import ai.portal.platform.security.CurrentUser;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Stops notebooks left idle, on the leading replica only, after a warning. Every period it looks at each running
 * notebook: asks its Jupyter server for its last activity and kernels, Prometheus for its GPU utilisation (GPU
 * notebooks, where metrics exist), and lets {@link IdleDecision} say keep, warn or stop. A warning is an annotation
 * on the notebook's StatefulSet (the notebook's status shows it on every replica) and a Kubernetes Event; the stop is
 * the notebook stop use case, audited with why. A notebook whose Jupyter does not answer is left alone. See DESIGN.md.
 */
class IdleCuller implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(IdleCuller.class);
    static final CurrentUser CULLER = new CurrentUser("system:idle-culler", "idle-culler", "Idle culler", null,
            Set.of(), Set.of());
    static final String COMPONENT = "ai-portal-idle-culler";
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private final WorkloadRepository workloads;
    private final ClusterState cluster;
    private final NotebookTargets targets;
    private final JupyterActivity jupyter;
    private final GpuUtilisation gpus;
    private final TeamIdleLimitsService settings;
    private final LaunchService launches;
    private final NotebookMarks marks;
    private final Leadership leadership;
    private final CullingProperties properties;
    private final Counter warnings;
    private final Counter stops;
    private final Counter skipped;
    private volatile Disposable loop;

    IdleCuller(WorkloadRepository workloads, ClusterState cluster, NotebookTargets targets, JupyterActivity jupyter,
               GpuUtilisation gpus, TeamIdleLimitsService settings, LaunchService launches, NotebookMarks marks,
               Leadership leadership, CullingProperties properties, MeterRegistry meters) {
        this.workloads = workloads;
        this.cluster = cluster;
        this.targets = targets;
        this.jupyter = jupyter;
        this.gpus = gpus;
        this.settings = settings;
        this.launches = launches;
        this.marks = marks;
        this.leadership = leadership;
        this.properties = properties;
        this.warnings = Counter.builder("portal.notebooks.idle.warnings")
                .description("Idle warnings given to notebooks").register(meters);
        this.stops = Counter.builder("portal.notebooks.idle.stops")
                .description("Notebooks stopped for being idle").register(meters);
        this.skipped = Counter.builder("portal.notebooks.idle.unknown")
                .description("Looks at running notebooks whose idleness could not be read (not ready, or Jupyter "
                        + "did not answer)").register(meters);
    }

    @Override
    public void start() {
        if (!properties.enabled()) {
            log.info("idle culling is off (portal.notebooks.culling.enabled=false)");
            return;
        }
        loop = Flux.interval(properties.period(), properties.period())
                .onBackpressureDrop()
                .filter(tick -> leadership.isLeader() && cluster.synced())
                .concatMap(tick -> pass().onErrorResume(failure -> {
                    log.warn("idle culling pass failed: {}", failure.toString());
                    return Mono.empty();
                }), 1)
                .subscribe();
        log.info("idle culling every {} (GPU utilisation from {})", properties.period(),
                gpus.configured() ? gpus.source() : "nowhere: Jupyter's activity alone decides");
    }

    /** One look at every running notebook. */
    Mono<Void> pass() {
        return settings.limitsByTeam().flatMap(limits -> workloads.findAllLive()
                .filter(workload -> workload.notebook() && workload.desired() == Desired.RUNNING)
                .concatMap(notebook -> look(notebook, limits.apply(notebook.team())).onErrorResume(failure -> {
                    // not ready yet, or its Jupyter does not answer: never stopped on a guess
                    skipped.increment();
                    log.debug("idle check of notebook {}/{} skipped: {}", notebook.team(), notebook.name(),
                            failure.toString());
                    return Mono.empty();
                }))
                .then());
    }

    private Mono<Void> look(WorkloadRecord notebook, IdleLimits limits) {
        Optional<StatefulSet> set = cluster.statefulSet(notebook.namespace(), notebook.name())
                .filter(found -> notebook.id().toString().equals(labels(found).get(WorkloadNames.WORKLOAD_ID_LABEL)));
        if (set.isEmpty()) {
            return Mono.empty();
        }
        Map<String, String> annotations = annotations(set.get());
        return targets.find(notebook.team(), notebook.name())
                .flatMap(target -> Mono.zip(jupyter.of(notebook, target), gpus.of(notebook)
                        .onErrorResume(failure -> {
                            // no verdict on the GPU is safer read as "in use" than as "idle"
                            log.info("GPU utilisation of {}/{} unknown: {}", notebook.team(), notebook.name(),
                                    failure.toString());
                            return Mono.just(Optional.of(100.0));
                        })))
                .flatMap(seen -> {
                    Facts facts = new Facts(Instant.now(), seen.getT1().lastActivity(), seen.getT1().kernelBusy(),
                            seen.getT2().orElse(null), properties.gpuThreshold(),
                            limits.limit(notebook.spec().gpus() > 0), limits.warning(),
                            instant(annotations.get(WorkloadNames.IDLE_KEEP_UNTIL_ANNOTATION)),
                            instant(annotations.get(WorkloadNames.IDLE_STOP_AT_ANNOTATION)));
                    return act(notebook, set.get(), annotations, facts, IdleDecision.decide(facts));
                });
    }

    private Mono<Void> act(WorkloadRecord notebook, StatefulSet set, Map<String, String> annotations, Facts facts,
                           Verdict verdict) {
        String uid = set.getMetadata().getUid();
        return switch (verdict) {
            case Keep keep -> {
                boolean marked = annotations.containsKey(WorkloadNames.IDLE_STOP_AT_ANNOTATION);
                if (!marked) {
                    yield Mono.empty();
                }
                Mono<Void> clear = marks.annotate(notebook, NotebookMarks.CULLER, Map.of());
                yield facts.warnedStopAt() == null ? clear : clear.then(marks.event(notebook, uid, "Normal",
                        "IdleCullCancelled", "No longer going to be stopped for being idle: " + keep.why() + ".",
                        COMPONENT));
            }
            case Warned warned -> Mono.empty();
            case Warn warn -> {
                warnings.increment();
                log.info("notebook {}/{} idle since {}: warned, stops at {}", notebook.team(), notebook.name(),
                        warn.idleSince(), warn.stopAt());
                yield marks.annotate(notebook, NotebookMarks.CULLER,
                                Map.of(WorkloadNames.IDLE_STOP_AT_ANNOTATION, warn.stopAt().toString()))
                        .then(marks.event(notebook, uid, "Warning", "IdleCullWarning", "Idle since "
                                + CLOCK.format(warn.idleSince()) + " (no kernel busy, no activity"
                                + (facts.gpuUtilisation() != null ? ", GPU utilisation under "
                                + Math.round(facts.gpuThreshold()) + " %" : "") + "): will be stopped at "
                                + CLOCK.format(warn.stopAt()) + " unless used or extended; the workspace is kept.",
                                COMPONENT));
            }
            case Stop stop -> {
                String detail = "idle for " + words(stop.idleFor()) + " (limit " + words(facts.limit()) + ")";
                stops.increment();
                log.info("stopping notebook {}/{}: {}", notebook.team(), notebook.name(), detail);
                // the event first: the stop deletes the StatefulSet it is about; the history entry the stop writes
                // (type idle-stop) is what the stopped notebook's status says afterwards
                yield marks.event(notebook, uid, "Normal", "IdleCullStopped",
                                "Stopped for being " + detail + "; the workspace is kept.", COMPONENT)
                        .then(launches.stopIdleNotebook(notebook, CULLER, detail)).then();
            }
        };
    }

    /** "1 h 5 min", "12 min", "40 s". */
    static String words(Duration duration) {
        long seconds = Math.max(0, duration.toSeconds());
        if (seconds < 60) {
            return seconds + " s";
        }
        long minutes = seconds / 60;
        return minutes >= 60 ? minutes / 60 + " h" + (minutes % 60 == 0 ? "" : " " + minutes % 60 + " min")
                : minutes + " min";
    }

    private static Instant instant(String text) {
        return JupyterActivity.instant(text);
    }

    private static Map<String, String> labels(StatefulSet set) {
        return set.getMetadata().getLabels() == null ? Map.of() : set.getMetadata().getLabels();
    }

    private static Map<String, String> annotations(StatefulSet set) {
        return set.getMetadata().getAnnotations() == null ? Map.of() : set.getMetadata().getAnnotations();
    }

    @Override
    public void stop() {
        Disposable current = loop;
        if (current != null) {
            current.dispose();
        }
        loop = null;
    }

    @Override
    public boolean isRunning() {
        return loop != null;
    }
}
