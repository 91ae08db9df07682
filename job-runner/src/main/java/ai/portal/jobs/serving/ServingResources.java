package ai.portal.jobs.serving;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.portal.jobs.cluster.RightSizerApi;
import ai.portal.jobs.tracking.TrackingResources;
import ai.portal.jobs.workload.GpuPods;
import ai.portal.jobs.workload.WorkloadResources;
import ai.portal.platform.team.PortalLabels;
import ai.portal.platform.team.TeamNames;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpecBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;

/**
 * The model: one model deployment as Kubernetes objects, a pure function of the team, the deployment and the
 * settings.
 *
 * <ul>
 *   <li>Deployment, Service and PodDisruptionBudget {@code portal-model-<name>}: names start with {@code portal-},
 *       which workload names may not ({@code LaunchValidator}), so a notebook or job never collides with them. Every
 *       object and pod carries the team labels of this installation, {@code portal.ai/component=model-server} and
 *       {@code portal.ai/model-deployment=<name>}; pods also {@code portal.ai/model-version}. No workload id: the
 *       workload reconciler never takes them for its own.</li>
 *   <li>The server is {@code mlflow models serve -m models:/<model>/<version> --env-manager local} on the pod's IP,
 *       with {@code MLFLOW_TRACKING_URI} naming the team's tracking server, which resolves {@code models:/} and
 *       serves the artifacts ({@code --serve-artifacts}). Ready once {@code /ping} answers (the model is loaded).</li>
 *   <li>Pod Security {@code restricted}; CPU and memory requested (memory limited to its request), so the team's
 *       ResourceQuota counts every replica. With GPUs ({@code gpus > 0}) each replica is "a pod with N GPUs of type
 *       T" exactly as a notebook is ({@link GpuPods}: {@code nvidia.com/gpu} request = limit, the product's node
 *       selector, the GPU taint tolerated). Not queued by Kueue, GPUs or not: a serving replica must not wait behind
 *       the team's jobs nor be preempted by them, so the job runner checks the team's GPU quota of the type itself
 *       before it deploys (serving/DESIGN.md, "GPUs"). Rolling updates never go below the replicas asked for
 *       ({@code maxUnavailable 0}).</li>
 *   <li>With autoscaling, a HorizontalPodAutoscaler {@code portal-model-<name>} scales the Deployment, whose
 *       {@code spec.replicas} the portal then leaves to the HPA controller ({@link #autoscaler}).</li>
 *   <li>The PodDisruptionBudget lets a drain take one replica at a time ({@code maxUnavailable 1}): with one replica
 *       a drain is not blocked forever, with more the rest keep serving.</li>
 * </ul>
 */
public final class ServingResources {

    public static final String COMPONENT = "model-server";
    public static final String DEPLOYMENT_LABEL = "portal.ai/model-deployment";
    public static final String VERSION_LABEL = "portal.ai/model-version";
    public static final String MODEL_ANNOTATION = "portal.ai/model";
    public static final String PREFIX = "portal-model-";
    public static final String CONTAINER = "server";
    /**
     * Where a model server listens (and its Service's port). Not 8080: on the local cluster pods are processes on
     * loopback addresses of the host, so a host service listening on all addresses takes that port from every pod,
     * and the portal UI of {@code ./portal up} listens on 8080. 8000 is uvicorn's default (MLflow's scoring server).
     */
    public static final int PORT = 8000;
    /** The gateway's requests per second to a deployment, as the adapter serves it for the deployment's Service. */
    public static final String REQUESTS_METRIC = "portal_model_requests_per_second";
    /** The average GPU utilisation of a pod's GPUs (DCGM), as the adapter serves it per pod. */
    public static final String GPU_METRIC = "gpu_utilization_percent";

    private ServingResources() {
    }

    /** The name of the deployment's Deployment, Service and PodDisruptionBudget. */
    public static String objectName(String deployment) {
        return PREFIX + deployment;
    }

    /** {@code models:/<model>/<version>}: what the server loads from the team's registry. */
    static String modelUri(ModelDeployment deployment) {
        return "models:/" + deployment.model() + "/" + deployment.version();
    }

    /**
     * The objects in apply order: the Deployment after the Service and budget, so they are there when pods come, and
     * the HorizontalPodAutoscaler (when autoscaled) after the Deployment it scales. An autoscaled Deployment carries
     * no {@code spec.replicas} unless {@code withReplicas} (its creation): the HPA controller owns the count.
     */
    static List<HasMetadata> desired(String team, String instance, ModelDeployment deployment,
                                     ServingProperties settings, boolean withReplicas) {
        List<HasMetadata> objects = new java.util.ArrayList<>(List.of(service(team, instance, deployment),
                disruptionBudget(team, instance, deployment),
                deployment(team, instance, deployment, settings, withReplicas)));
        if (deployment.autoscaled()) {
            objects.add(autoscaler(team, instance, deployment));
        }
        return objects;
    }

    /** The objects of a deployment being created (an autoscaled one starts with its minimum). */
    static List<HasMetadata> desired(String team, String instance, ModelDeployment deployment,
                                     ServingProperties settings) {
        return desired(team, instance, deployment, settings, true);
    }

    /**
     * The HorizontalPodAutoscaler of an autoscaled deployment ({@code autoscaling/v2}), scaling its Deployment:
     * CPU and memory as Resource metrics ({@code Utilization} of the requests), requests per second as an Object
     * metric on the deployment's Service ({@value #REQUESTS_METRIC}, the gateway's rate for the whole deployment,
     * with an {@code AverageValue} target that the controller divides by the replica count), GPU utilisation as a
     * Pods metric ({@value #GPU_METRIC}; Resource metrics are CPU and memory only). The scale-down window is the
     * policy's; scaling up keeps Kubernetes' defaults.
     */
    static HorizontalPodAutoscaler autoscaler(String team, String instance, ModelDeployment deployment) {
        ModelAutoscaling policy = deployment.autoscaling();
        List<MetricSpec> metrics = new java.util.ArrayList<>();
        if (policy.cpuUtilization() != null) {
            metrics.add(resourceMetric("cpu", policy.cpuUtilization()));
        }
        if (policy.memoryUtilization() != null) {
            metrics.add(resourceMetric("memory", policy.memoryUtilization()));
        }
        if (policy.requestsPerSecond() != null) {
            metrics.add(new MetricSpecBuilder().withType("Object").withNewObject()
                    .withNewDescribedObject().withApiVersion("v1").withKind("Service")
                    .withName(objectName(deployment.name())).endDescribedObject()
                    .withNewMetric().withName(REQUESTS_METRIC).endMetric()
                    .withNewTarget().withType("AverageValue").withAverageValue(perSecond(policy.requestsPerSecond()))
                    .endTarget()
                    .endObject().build());
        }
        if (policy.gpuUtilization() != null) {
            metrics.add(new MetricSpecBuilder().withType("Pods").withNewPods()
                    .withNewMetric().withName(GPU_METRIC).endMetric()
                    .withNewTarget().withType("AverageValue")
                    .withAverageValue(new Quantity(Integer.toString(policy.gpuUtilization()))).endTarget()
                    .endPods().build());
        }
        return new HorizontalPodAutoscalerBuilder()
                .withMetadata(metadata(team, instance, deployment))
                .withNewSpec()
                .withNewScaleTargetRef().withApiVersion("apps/v1").withKind("Deployment")
                .withName(objectName(deployment.name())).endScaleTargetRef()
                .withMinReplicas(policy.minReplicas()).withMaxReplicas(policy.maxReplicas())
                .withMetrics(metrics)
                .withNewBehavior().withNewScaleDown()
                .withStabilizationWindowSeconds(policy.scaleDownStabilizationSeconds()).endScaleDown()
                .endBehavior()
                .endSpec()
                .build();
    }

    /**
     * Only {@code spec.replicas} of the deployment's Deployment, for the hand-over to the HPA controller under a
     * field manager of its own (serving/DESIGN.md, "Who owns the replica count").
     */
    static Deployment replicasOnly(String team, String name, int replicas) {
        return new DeploymentBuilder()
                .withNewMetadata().withName(objectName(name)).withNamespace(TeamNames.namespace(team)).endMetadata()
                .withNewSpec().withReplicas(replicas).endSpec()
                .build();
    }

    /**
     * Whether {@code manager} owns the Deployment's {@code spec.replicas} through server-side apply (its
     * {@code managedFields}): then an apply without the field would reset the count, so it is handed over first.
     */
    static boolean ownsReplicas(Deployment live, String manager) {
        return live.getMetadata().getManagedFields() != null && live.getMetadata().getManagedFields().stream()
                .filter(entry -> manager.equals(entry.getManager()) && "Apply".equals(entry.getOperation())
                        && entry.getFieldsV1() != null && entry.getFieldsV1().getAdditionalProperties() != null)
                .anyMatch(entry -> entry.getFieldsV1().getAdditionalProperties().get("f:spec") instanceof Map<?, ?> spec
                        && spec.containsKey("f:replicas"));
    }

    /** Requests per second as a quantity: whole numbers as they are, fractions in thousandths ("500m"). */
    static Quantity perSecond(java.math.BigDecimal rate) {
        java.math.BigDecimal plain = rate.stripTrailingZeros();
        return plain.scale() <= 0 ? new Quantity(plain.toBigInteger().toString())
                : new Quantity(plain.movePointRight(3).toBigInteger() + "m");
    }

    private static MetricSpec resourceMetric(String resource, int percent) {
        return new MetricSpecBuilder().withType("Resource").withNewResource().withName(resource)
                .withNewTarget().withType("Utilization").withAverageUtilization(percent).endTarget()
                .endResource().build();
    }

    static Service service(String team, String instance, ModelDeployment deployment) {
        return new ServiceBuilder()
                .withMetadata(metadata(team, instance, deployment))
                .withNewSpec()
                .withSelector(selector(instance, deployment.name()))
                .addNewPort().withName("http").withPort(PORT).withNewTargetPort(PORT).endPort()
                .endSpec()
                .build();
    }

    static PodDisruptionBudget disruptionBudget(String team, String instance, ModelDeployment deployment) {
        return new PodDisruptionBudgetBuilder()
                .withMetadata(metadata(team, instance, deployment))
                .withNewSpec()
                .withMaxUnavailable(new IntOrString(1))
                .withNewSelector().withMatchLabels(selector(instance, deployment.name())).endSelector()
                .endSpec()
                .build();
    }

    static Deployment deployment(String team, String instance, ModelDeployment deployment,
                                 ServingProperties settings) {
        return deployment(team, instance, deployment, settings, true);
    }

    /** The Deployment; {@code withReplicas} false leaves {@code spec.replicas} to the HPA controller. */
    static Deployment deployment(String team, String instance, ModelDeployment deployment,
                                 ServingProperties settings, boolean withReplicas) {
        Container container = new ContainerBuilder(GpuPods.withGpus(WorkloadResources.restrictedContainer(CONTAINER,
                settings.image(), deployment.cpu(), deployment.memory()), deployment.gpus()))
                .withCommand("mlflow")
                .withArgs("models", "serve",
                        "--model-uri", modelUri(deployment),
                        "--env-manager", "local",
                        "--host", "$(POD_IP)",
                        "--port", Integer.toString(PORT),
                        "--workers", "1")
                .addToEnv(new EnvVarBuilder().withName("POD_IP").withNewValueFrom().withNewFieldRef()
                        .withFieldPath("status.podIP").endFieldRef().endValueFrom().build())
                .addToEnv(new EnvVarBuilder().withName(TrackingResources.TRACKING_URI_ENV)
                        .withValue(TrackingResources.trackingUri(team)).build())
                .addNewPort().withName("http").withContainerPort(PORT).endPort()
                // ready once the model is downloaded and loaded: /ping answers 200 only then
                .withNewReadinessProbe()
                .withNewHttpGet().withPath("/ping").withNewPort(PORT).endHttpGet()
                .withInitialDelaySeconds(5).withPeriodSeconds(5).withFailureThreshold(3)
                .endReadinessProbe()
                .build();
        Map<String, String> podLabels = new LinkedHashMap<>(labels(team, instance, deployment.name()));
        podLabels.put(VERSION_LABEL, Integer.toString(deployment.version()));
        return new DeploymentBuilder()
                .withMetadata(metadata(team, instance, deployment))
                .withNewSpec()
                .withReplicas(withReplicas || !deployment.autoscaled() ? deployment.replicas() : null)
                .withNewStrategy().withType("RollingUpdate").withNewRollingUpdate()
                .withMaxUnavailable(new IntOrString(0)).withMaxSurge(new IntOrString(1))
                .endRollingUpdate().endStrategy()
                .withNewSelector().withMatchLabels(selector(instance, deployment.name())).endSelector()
                .withNewTemplate()
                .withMetadata(new ObjectMetaBuilder().withLabels(podLabels)
                        .withAnnotations(Map.of(MODEL_ANNOTATION, deployment.model())).build())
                .withSpec(GpuPods.onGpuNodes(WorkloadResources.restrictedPod(container, "Always"),
                        deployment.gpuType(), deployment.gpus()))
                .endTemplate()
                .endSpec()
                .build();
    }

    /**
     * The deployment's VerticalPodAutoscaler in recommendation mode, where the cluster runs a VPA recommender: what
     * one model server needs (CPU and memory of its {@value #CONTAINER} container) from the replicas' measured
     * usage. Nothing evicts or resizes a replica; the team applies a recommendation by changing the deployment's
     * size (a rolling update). Named and labelled like the Deployment.
     */
    static GenericKubernetesResource rightSizer(String team, String instance, ModelDeployment deployment) {
        return RightSizerApi.recommendationOnly(metadata(team, instance, deployment), "apps/v1", "Deployment",
                objectName(deployment.name()), CONTAINER);
    }

    /** The labels every object of a deployment and its pods carry. */
    public static Map<String, String> labels(String team, String instance, String name) {
        Map<String, String> labels = new LinkedHashMap<>(PortalLabels.teamLabels(instance, team));
        labels.put(TrackingResources.COMPONENT_LABEL, COMPONENT);
        labels.put(DEPLOYMENT_LABEL, name);
        return labels;
    }

    private static Map<String, String> selector(String instance, String name) {
        Map<String, String> selector = new LinkedHashMap<>();
        selector.put(PortalLabels.INSTANCE, instance);
        selector.put(TrackingResources.COMPONENT_LABEL, COMPONENT);
        selector.put(DEPLOYMENT_LABEL, name);
        return selector;
    }

    private static ObjectMeta metadata(String team, String instance, ModelDeployment deployment) {
        return new ObjectMetaBuilder().withName(objectName(deployment.name())).withNamespace(TeamNames.namespace(team))
                .withLabels(labels(team, instance, deployment.name()))
                .withAnnotations(Map.of(MODEL_ANNOTATION, deployment.model())).build();
    }
}
