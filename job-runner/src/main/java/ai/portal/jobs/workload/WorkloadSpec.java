package ai.portal.jobs.workload;

import java.util.List;
import java.util.Map;

/**
 * A validated launch request as it is stored and turned into Kubernetes objects. Quantities are canonical
 * Kubernetes strings; fields that do not apply to a kind are null (workspace for jobs, command for notebooks).
 *
 * @param image             the image reference the pod runs
 * @param imageId           the catalogue id, null for a custom image
 * @param gpuType           the {@code nvidia.com/gpu.product} value, null when {@code gpus == 0}
 * @param maxRuntimeSeconds a job's {@code activeDeadlineSeconds}; null for notebooks
 * @param retries           a job's {@code backoffLimit}
 * @param annotations       extra pod annotations the user asked for (never the portal's or Kueue's own keys)
 * @param schedulerName     the pod's {@code spec.schedulerName} (a profile of the cluster's scheduler, e.g.
 *                          {@code gpu-fit}); null: the cluster's default (workloads stored before it existed)
 */
public record WorkloadSpec(String image, String imageId, String cpu, String memory, String gpuType, int gpus,
                           String workspaceSize, List<String> command, List<String> args, List<EnvVar> env,
                           Long maxRuntimeSeconds, Integer retries, Priority priority,
                           Map<String, String> annotations, String schedulerName) {

    public WorkloadSpec {
        command = command == null ? List.of() : List.copyOf(command);
        args = args == null ? List.of() : List.copyOf(args);
        env = env == null ? List.of() : List.copyOf(env);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
        priority = priority == null ? Priority.NORMAL : priority;
    }

    /** A spec for the cluster's default scheduler. */
    public WorkloadSpec(String image, String imageId, String cpu, String memory, String gpuType, int gpus,
                        String workspaceSize, List<String> command, List<String> args, List<EnvVar> env,
                        Long maxRuntimeSeconds, Integer retries, Priority priority, Map<String, String> annotations) {
        this(image, imageId, cpu, memory, gpuType, gpus, workspaceSize, command, args, env, maxRuntimeSeconds, retries,
                priority, annotations, null);
    }
}
