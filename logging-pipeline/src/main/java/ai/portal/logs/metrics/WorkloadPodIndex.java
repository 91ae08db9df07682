package ai.portal.logs.metrics;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import ai.portal.platform.team.PortalLabels;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;

/**
 * {@link WorkloadPods} kept from the pod informer's events: pods of this installation ({@code portal.ai/instance})
 * with a {@code portal.ai/workload} label, by namespace and workload. A deleted pod is remembered for
 * {@code retention} (the longest range a chart may ask for), at most {@link #MAX_REMEMBERED} per workload (a job
 * retried many times keeps its newest pods). Memory only: after a restart of this service, pods deleted before it
 * are forgotten, and their GPU history is reachable by team only.
 */
class WorkloadPodIndex implements WorkloadPods, ResourceEventHandler<Pod> {

    static final int MAX_REMEMBERED = 50;

    private final String installation;
    private final Duration retention;
    private final Clock clock;
    /** namespace/workload -> pod name -> pod */
    private final Map<String, Map<String, WorkloadPod>> byWorkload = new ConcurrentHashMap<>();
    /** namespace/pod -> workload */
    private final Map<String, String> workloadByPod = new ConcurrentHashMap<>();

    WorkloadPodIndex(String installation, Duration retention, Clock clock) {
        this.installation = installation;
        this.retention = retention;
        this.clock = clock;
    }

    @Override
    public void onAdd(Pod pod) {
        remember(pod, null);
    }

    @Override
    public void onUpdate(Pod old, Pod pod) {
        remember(pod, null);
    }

    @Override
    public void onDelete(Pod pod, boolean finalStateUnknown) {
        remember(pod, clock.instant());
    }

    private void remember(Pod pod, Instant deleted) {
        Map<String, String> labels = pod.getMetadata().getLabels();
        String workload = labels == null ? null : labels.get(PortalLabels.WORKLOAD);
        if (workload == null || !Objects.equals(labels.get(PortalLabels.INSTANCE), installation)) {
            return;
        }
        String namespace = pod.getMetadata().getNamespace();
        String name = pod.getMetadata().getName();
        String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
        workloadByPod.put(namespace + "/" + name, workload);
        Map<String, WorkloadPod> pods = byWorkload.computeIfAbsent(namespace + "/" + workload,
                key -> new ConcurrentHashMap<>());
        pods.put(name, new WorkloadPod(name, node, deleted));
        if (deleted != null) {
            forgetOld(namespace, pods);
        }
    }

    /** Drops deleted pods older than the retention, and the oldest beyond {@link #MAX_REMEMBERED}. */
    private void forgetOld(String namespace, Map<String, WorkloadPod> pods) {
        Instant horizon = clock.instant().minus(retention);
        List<WorkloadPod> deleted = new ArrayList<>();
        for (WorkloadPod pod : pods.values()) {
            if (!pod.live() && pod.deleted().isBefore(horizon)) {
                forget(namespace, pods, pod);
            } else if (!pod.live()) {
                deleted.add(pod);
            }
        }
        deleted.sort(Comparator.comparing(WorkloadPod::deleted).reversed());
        for (WorkloadPod old : deleted.subList(Math.min(deleted.size(), MAX_REMEMBERED), deleted.size())) {
            forget(namespace, pods, old);
        }
    }

    private void forget(String namespace, Map<String, WorkloadPod> pods, WorkloadPod pod) {
        pods.remove(pod.name(), pod);
        workloadByPod.remove(namespace + "/" + pod.name());
    }

    @Override
    public List<WorkloadPod> of(String namespace, String workload) {
        Map<String, WorkloadPod> pods = byWorkload.get(namespace + "/" + workload);
        if (pods == null) {
            return List.of();
        }
        Instant horizon = clock.instant().minus(retention);
        return pods.values().stream()
                .filter(pod -> pod.live() || pod.deleted().isAfter(horizon))
                .sorted(Comparator.comparing(WorkloadPod::live).reversed()
                        .thenComparing(pod -> pod.live() ? Instant.MAX : pod.deleted(), Comparator.reverseOrder())
                        .thenComparing(WorkloadPod::name))
                .toList();
    }

    @Override
    public Optional<String> workloadOf(String namespace, String pod) {
        return Optional.ofNullable(workloadByPod.get(namespace + "/" + pod));
    }
}
