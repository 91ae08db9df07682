package ai.portal.jobs.status;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import ai.portal.jobs.prometheus.Prometheus;
import ai.portal.jobs.workload.WorkloadRecord;
import ai.portal.jobs.workload.WorkloadResources;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Reads a workload's {@link PeakUsage} from Prometheus: the kubelet's {@code container_cpu_usage_seconds_total} (a
 * one-minute rate, sampled every minute) and {@code container_memory_working_set_bytes} of its main container, the
 * highest of any of its pods over the window. Pods are matched by name, since container metrics carry no pod labels:
 * a notebook's StatefulSet pod is always {@code <name>-0}; a job's pods are {@code <name>-<5 random>} or, indexed,
 * {@code <name>-<index>-<5 random>} (the Job controller's names, random part from Kubernetes' alphabet without vowels).
 * Prometheus not configured, not answering or without samples: empty, and the detail shows no peak.
 */
@Component
class PeakUsageReader {

    /** How far back the peak is read: a week covers a working week's pattern, as the VPA recommender's history. */
    static final Duration WINDOW = Duration.ofDays(7);
    /** Up to this long a window is read at a 15-second resolution, beyond it at one minute. */
    private static final Duration SHORT_WINDOW = Duration.ofHours(6);
    private static final Logger log = LoggerFactory.getLogger(PeakUsageReader.class);
    private static final String RANDOM_SUFFIX = "[bcdfghjklmnpqrstvwxz2456789]{5}";

    private final Prometheus prometheus;

    PeakUsageReader(Prometheus prometheus) {
        this.prometheus = prometheus;
    }

    Mono<Optional<PeakUsage>> of(WorkloadRecord workload) {
        if (!prometheus.configured()) {
            return Mono.just(Optional.empty());
        }
        Instant until = Instant.now();
        Instant since = workload.createdAt() == null || workload.createdAt().isBefore(until.minus(WINDOW))
                ? until.minus(WINDOW) : workload.createdAt();
        long seconds = Math.max(60, Duration.between(since, until).toSeconds());
        // namespace and name are DNS labels (validated at launch): nothing in them needs quoting
        String selector = "{namespace=\"" + workload.namespace() + "\",container=\"" + WorkloadResources.CONTAINER
                + "\",pod=~\"" + pods(workload) + "\"}";
        // the CPU rate sampled every 15 s over a young workload's short life (a minute's resolution would leave a
        // notebook a few minutes old with one point, or none yet), every minute over days
        String resolution = seconds <= SHORT_WINDOW.toSeconds() ? "15s" : "1m";
        String cpu = "max(max_over_time(rate(container_cpu_usage_seconds_total" + selector + "[2m])[" + seconds
                + "s:" + resolution + "]))";
        String memory = "max(max_over_time(container_memory_working_set_bytes" + selector + "[" + seconds + "s]))";
        return Mono.zip(prometheus.value(cpu), prometheus.value(memory))
                .map(peaks -> peaks.getT1().isEmpty() && peaks.getT2().isEmpty() ? Optional.<PeakUsage>empty()
                        : Optional.of(new PeakUsage(since, until,
                                peaks.getT1().map(cores -> BigDecimal.valueOf(cores).setScale(3, RoundingMode.UP))
                                        .orElse(null),
                                peaks.getT2().map(bytes -> BigDecimal.valueOf(bytes).setScale(0, RoundingMode.UP))
                                        .orElse(null))))
                .onErrorResume(failure -> {
                    log.warn("peak usage of {}/{} not read from Prometheus ({}): the detail shows none",
                            workload.namespace(), workload.name(), failure.toString());
                    return Mono.just(Optional.empty());
                });
    }

    /** A regular expression matching exactly the workload's pods' names. */
    static String pods(WorkloadRecord workload) {
        return workload.notebook() ? workload.name() + "-0"
                : workload.name() + "-([0-9]+-)?" + RANDOM_SUFFIX;
    }
}
