package ai.portal.jobs.workload;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.portal.jobs.cluster.RightSizerApi;
import ai.portal.platform.team.KueueNames;
import ai.portal.platform.team.PortalLabels;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;

/**
 * The model: a workload record in, the Kubernetes objects that run it out, as a pure function (no I/O), so every
 * rule about the pod spec is unit-tested without a cluster.
 *
 * <ul>
 *   <li>Every object carries the team labels of this installation, {@code portal.ai/workload=<name>} (the log
 *       search filters on it), {@code portal.ai/workload-kind}, {@code portal.ai/owner} (OIDC subject) and
 *       {@code portal.ai/workload-id} (the database row), so the job runner acts only on its own objects.</li>
 *   <li>Pods pass Pod Security {@code restricted}: non-root uid 1000, no privilege escalation, all capabilities
 *       dropped, RuntimeDefault seccomp, no service account token.</li>
 *   <li>GPUs: {@code nvidia.com/gpu} request = limit, a node selector on the GPU product, a toleration for the GPU
 *       taint ({@link GpuPods}, shared with model servers). Kueue admits the Job or StatefulSet through the team's
 *       LocalQueue {@code team}.</li>
 * </ul>
 */
public final class WorkloadResources {

    /** uid and gid of the Jupyter images' user {@code jovyan}; any image runs as this non-root user. */
    public static final long RUN_AS_USER = 1000L;
    public static final long RUN_AS_GROUP = 100L;
    public static final String CONTAINER = "main";
    public static final String TOKEN_ENV = "JUPYTER_TOKEN";

    private WorkloadResources() {
    }

    /**
     * The objects a notebook needs besides its token Secret, in apply order: claim, Service and, while it is to run,
     * its StatefulSet. A stopped notebook has no StatefulSet (its workspace claim, Service and token stay): each start
     * is a new StatefulSet, so Kueue admits a new pod group rather than scaling one up from zero, a path where Kueue
     * v0.17.0 can keep the last run's Workload and refuse the scale-up for good (kubernetes-sigs/kueue#12232).
     */
    public static List<HasMetadata> notebook(WorkloadRecord workload, String instance, String tokenSecret) {
        return notebook(workload, instance, tokenSecret, Map.of());
    }

    /** The same, the pod getting {@code teamEnv} too ({@link TeamEnvironment}). */
    public static List<HasMetadata> notebook(WorkloadRecord workload, String instance, String tokenSecret,
                                             Map<String, String> teamEnv) {
        require(workload, WorkloadKind.NOTEBOOK);
        return workload.desired() == Desired.RUNNING
                ? List.of(workspaceClaim(workload, instance), service(workload, instance),
                statefulSet(workload, instance, tokenSecret, teamEnv))
                : List.of(workspaceClaim(workload, instance), service(workload, instance));
    }

    /** The training job's Job. */
    public static Job job(WorkloadRecord workload, String instance) {
        return job(workload, instance, Map.of());
    }

    /** The same, the pod getting {@code teamEnv} too where the user did not set a variable of that name. */
    public static Job job(WorkloadRecord workload, String instance, Map<String, String> teamEnv) {
        require(workload, WorkloadKind.JOB);
        WorkloadSpec spec = workload.spec();
        return new JobBuilder()
                .withMetadata(metadata(workload, instance, workload.name(), queueLabels(workload, instance)))
                .withNewSpec()
                // Kueue's webhook suspends it on create; saying so here closes any window before admission
                .withSuspend(true)
                .withActiveDeadlineSeconds(spec.maxRuntimeSeconds())
                .withBackoffLimit(spec.retries() == null ? 0 : spec.retries())
                .withNewTemplate()
                .withMetadata(podMetadata(workload, instance))
                .withSpec(podSpec(workload, jobContainer(workload, teamEnv), "Never"))
                .endTemplate()
                .endSpec()
                .build();
    }

    /**
     * The notebook's token Secret, {@code name} as {@link NotebookTokens#secretName} gives it: created once, never
     * re-applied or read back (the job runner derives the token again wherever it needs it).
     */
    public static Secret tokenSecret(WorkloadRecord workload, String instance, String name, String token) {
        require(workload, WorkloadKind.NOTEBOOK);
        return new SecretBuilder()
                .withMetadata(metadata(workload, instance, name, Map.of()))
                .withType("Opaque")
                .addToStringData(WorkloadNames.TOKEN_KEY, token)
                .build();
    }

    static PersistentVolumeClaim workspaceClaim(WorkloadRecord workload, String instance) {
        return new PersistentVolumeClaimBuilder()
                .withMetadata(metadata(workload, instance, WorkloadNames.workspaceClaim(workload.name()), Map.of()))
                .withNewSpec()
                .withAccessModes("ReadWriteOnce")
                .withNewResources()
                .addToRequests("storage", new Quantity(workload.spec().workspaceSize()))
                .endResources()
                .endSpec()
                .build();
    }

    static Service service(WorkloadRecord workload, String instance) {
        return new ServiceBuilder()
                .withMetadata(metadata(workload, instance, workload.name(), Map.of()))
                .withNewSpec()
                .withType("ClusterIP")
                .addToSelector(PortalLabels.INSTANCE, instance)
                .addToSelector(PortalLabels.WORKLOAD, workload.name())
                .addToSelector(PortalLabels.WORKLOAD_KIND, workload.kind().wireName())
                .addNewPort().withName("http").withPort(WorkloadNames.NOTEBOOK_PORT)
                .withNewTargetPort(WorkloadNames.NOTEBOOK_PORT).endPort()
                .endSpec()
                .build();
    }

    static StatefulSet statefulSet(WorkloadRecord workload, String instance, String tokenSecret,
                                   Map<String, String> teamEnv) {
        String basePath = WorkloadNames.notebookBasePath(workload.team(), workload.name());
        Container container = new ContainerBuilder(baseContainer(workload))
                .withArgs("start-notebook.py",
                        "--ServerApp.base_url=" + basePath,
                        "--IdentityProvider.token=$(" + TOKEN_ENV + ")",
                        "--ServerApp.port=" + WorkloadNames.NOTEBOOK_PORT,
                        "--ServerApp.root_dir=" + WorkloadNames.WORKSPACE_PATH)
                .addToEnv(new EnvVarBuilder().withName(TOKEN_ENV).withNewValueFrom().withNewSecretKeyRef()
                        .withName(tokenSecret).withKey(WorkloadNames.TOKEN_KEY)
                        .endSecretKeyRef().endValueFrom().build())
                .addAllToEnv(teamEnv.entrySet().stream().sorted(Map.Entry.comparingByKey())
                        .map(entry -> new EnvVarBuilder().withName(entry.getKey()).withValue(entry.getValue()).build())
                        .toList())
                .addNewPort().withName("http").withContainerPort(WorkloadNames.NOTEBOOK_PORT).endPort()
                .addNewVolumeMount().withName("workspace").withMountPath(WorkloadNames.WORKSPACE_PATH).endVolumeMount()
                // <base>api answers 200 without the token (api/status needs it: 403 would keep the pod unready)
                .withNewReadinessProbe()
                .withNewHttpGet().withPath(basePath + "api").withNewPort(WorkloadNames.NOTEBOOK_PORT).endHttpGet()
                .withInitialDelaySeconds(2).withPeriodSeconds(5).withFailureThreshold(3)
                .endReadinessProbe()
                .build();
        PodSpec pod = new PodSpecBuilder(podSpec(workload, container, "Always"))
                .addNewVolume().withName("workspace").withNewPersistentVolumeClaim()
                .withClaimName(WorkloadNames.workspaceClaim(workload.name())).endPersistentVolumeClaim().endVolume()
                .build();
        Map<String, String> selector = new LinkedHashMap<>();
        selector.put(PortalLabels.INSTANCE, instance);
        selector.put(PortalLabels.WORKLOAD, workload.name());
        selector.put(PortalLabels.WORKLOAD_KIND, workload.kind().wireName());
        return new StatefulSetBuilder()
                .withMetadata(metadata(workload, instance, workload.name(), queueLabels(workload, instance)))
                .withNewSpec()
                .withReplicas(1)
                .withServiceName(workload.name())
                .withPodManagementPolicy("Parallel")
                .withNewSelector().withMatchLabels(selector).endSelector()
                .withNewTemplate()
                .withMetadata(podMetadata(workload, instance))
                .withSpec(pod)
                .endTemplate()
                .endSpec()
                .build();
    }

    private static Container jobContainer(WorkloadRecord workload, Map<String, String> teamEnv) {
        WorkloadSpec spec = workload.spec();
        ContainerBuilder container = new ContainerBuilder(baseContainer(workload));
        if (!spec.command().isEmpty()) {
            container.withCommand(spec.command());
        }
        if (!spec.args().isEmpty()) {
            container.withArgs(spec.args());
        }
        for (EnvVar env : spec.env()) {
            container.addToEnv(new EnvVarBuilder().withName(env.name()).withValue(env.value()).build());
        }
        teamEnv.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .filter(entry -> spec.env().stream().noneMatch(env -> env.name().equals(entry.getKey())))
                .forEach(entry -> container.addToEnv(new EnvVarBuilder().withName(entry.getKey())
                        .withValue(entry.getValue()).build()));
        return container.build();
    }

    /** Image, resources and the container's security context, common to both kinds. */
    private static Container baseContainer(WorkloadRecord workload) {
        WorkloadSpec spec = workload.spec();
        Map<String, Quantity> requests = new LinkedHashMap<>();
        Map<String, Quantity> limits = new LinkedHashMap<>();
        requests.put("cpu", new Quantity(spec.cpu()));
        requests.put("memory", new Quantity(spec.memory()));
        limits.put("memory", new Quantity(spec.memory()));
        return GpuPods.withGpus(restricted(CONTAINER, spec.image(), requests, limits), spec.gpus());
    }

    /**
     * A container of the portal's own (a team's tracking server) with what every pod in a team namespace gets: Pod
     * Security {@code restricted}, memory limited to its request.
     */
    public static Container restrictedContainer(String name, String image, String cpu, String memory) {
        return restricted(name, image, Map.of("cpu", new Quantity(cpu), "memory", new Quantity(memory)),
                Map.of("memory", new Quantity(memory)));
    }

    private static Container restricted(String name, String image, Map<String, Quantity> requests,
                                        Map<String, Quantity> limits) {
        return new ContainerBuilder()
                .withName(name)
                .withImage(image)
                .withImagePullPolicy("IfNotPresent")
                .withResources(new ResourceRequirementsBuilder().withRequests(requests).withLimits(limits).build())
                .withNewSecurityContext()
                .withAllowPrivilegeEscalation(false)
                .withRunAsNonRoot(true)
                .withNewCapabilities().withDrop("ALL").endCapabilities()
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                .endSecurityContext()
                .build();
    }

    /**
     * A pod spec that passes Pod Security {@code restricted}: non-root uid 1000, RuntimeDefault seccomp, no service
     * account token, no service links.
     */
    public static PodSpec restrictedPod(Container container, String restartPolicy) {
        return new PodSpecBuilder()
                .withRestartPolicy(restartPolicy)
                .withAutomountServiceAccountToken(false)
                .withEnableServiceLinks(false)
                .withNewSecurityContext()
                .withRunAsNonRoot(true)
                .withRunAsUser(RUN_AS_USER)
                .withRunAsGroup(RUN_AS_GROUP)
                .withFsGroup(RUN_AS_GROUP)
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                .endSecurityContext()
                .withContainers(container)
                .build();
    }

    private static PodSpec podSpec(WorkloadRecord workload, Container container, String restartPolicy) {
        WorkloadSpec spec = workload.spec();
        PodSpecBuilder pod = new PodSpecBuilder(restrictedPod(container, restartPolicy));
        if (spec.schedulerName() != null) {
            pod.withSchedulerName(spec.schedulerName());
        }
        return GpuPods.onGpuNodes(pod.build(), spec.gpuType(), spec.gpus());
    }

    private static ObjectMeta metadata(WorkloadRecord workload, String instance, String name,
                                       Map<String, String> extraLabels) {
        Map<String, String> labels = new LinkedHashMap<>(labels(workload, instance));
        labels.putAll(extraLabels);
        return new ObjectMetaBuilder().withName(name).withNamespace(workload.namespace()).withLabels(labels).build();
    }

    private static ObjectMeta podMetadata(WorkloadRecord workload, String instance) {
        Map<String, String> annotations = new LinkedHashMap<>(workload.spec().annotations());
        return new ObjectMetaBuilder().withLabels(labels(workload, instance))
                .withAnnotations(annotations.isEmpty() ? null : annotations).build();
    }

    /** The labels every object and pod of the workload carries. */
    public static Map<String, String> labels(WorkloadRecord workload, String instance) {
        Map<String, String> labels = new LinkedHashMap<>(PortalLabels.teamLabels(instance, workload.team()));
        labels.put(PortalLabels.WORKLOAD, workload.name());
        labels.put(PortalLabels.WORKLOAD_KIND, workload.kind().wireName());
        labels.put(PortalLabels.OWNER, workload.ownerSubject());
        labels.put(WorkloadNames.WORKLOAD_ID_LABEL, workload.id().toString());
        return labels;
    }

    /**
     * The workload's VerticalPodAutoscaler in recommendation mode ({@code updateMode: "Off"}): the cluster's VPA
     * recommender writes into its status what the workload's container uses (target, bounds), and nothing else acts
     * on it: no pod is evicted or resized. Named and labelled like the workload, pointing at its StatefulSet or Job;
     * it stays while a notebook is stopped, so its history survives a restart.
     */
    public static GenericKubernetesResource rightSizer(WorkloadRecord workload, String instance) {
        return RightSizerApi.recommendationOnly(metadata(workload, instance, workload.name(), Map.of()),
                workload.notebook() ? "apps/v1" : "batch/v1", workload.notebook() ? "StatefulSet" : "Job",
                workload.name(), CONTAINER);
    }

    /** Kueue's labels: the team's LocalQueue and the priority class. Only on the Job or StatefulSet. */
    private static Map<String, String> queueLabels(WorkloadRecord workload, String instance) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(KueueNames.QUEUE_LABEL, KueueNames.LOCAL_QUEUE);
        labels.put(KueueNames.PRIORITY_LABEL, workload.spec().priority().priorityClass(instance));
        return labels;
    }

    private static void require(WorkloadRecord workload, WorkloadKind kind) {
        if (workload.kind() != kind) {
            throw new IllegalArgumentException(workload.name() + " is a " + workload.kind().wireName() + ", not a "
                    + kind.wireName());
        }
    }

    /**
     * The object kinds the job runner deletes by its workload's label (for cleanup). Not Secrets: a delete by label
     * answers with what it deleted, so the job runner deletes its token Secrets by name ({@link WorkloadApplier}).
     */
    public static final List<Class<? extends HasMetadata>> KINDS = List.of(
            StatefulSet.class, Job.class, Service.class, PersistentVolumeClaim.class);
}
