package ai.portal.jobs.culling;

import java.util.Optional;

import ai.portal.jobs.prometheus.Prometheus;
import ai.portal.jobs.workload.WorkloadRecord;
import reactor.core.publisher.Mono;

/**
 * A GPU notebook's utilisation from Prometheus: the highest {@code DCGM_FI_DEV_GPU_UTIL} (percent) of its pod's GPUs
 * over the recent window, as DCGM's exporter labels it with the pod it serves. Empty when Prometheus is not
 * configured ({@code portal.prometheus.url}), the notebook has no GPUs, or no series exists for its pod: then Jupyter's activity alone decides.
 */
class GpuUtilisation {

    private final Prometheus prometheus;
    private final CullingProperties properties;

    GpuUtilisation(Prometheus prometheus, CullingProperties properties) {
        this.prometheus = prometheus;
        this.properties = properties;
    }

    boolean configured() {
        return prometheus.configured();
    }

    /** Where it is read, for the culler's log line. */
    String source() {
        return prometheus.describe();
    }

    Mono<Optional<Double>> of(WorkloadRecord notebook) {
        if (!configured() || notebook.spec().gpus() <= 0) {
            return Mono.just(Optional.empty());
        }
        // namespace and name are DNS labels (validated at launch): nothing in them needs quoting
        return prometheus.value("max(max_over_time(DCGM_FI_DEV_GPU_UTIL{namespace=\"" + notebook.namespace()
                + "\",pod=\"" + notebook.name() + "-0\"}[" + properties.gpuWindow().toSeconds() + "s]))");
    }
}
