package ai.portal.jobs.serving;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.portal.jobs.tracking.TrackingResources;
import ai.portal.jobs.workload.WorkloadResources;
import ai.portal.platform.team.PortalLabels;
import ai.portal.platform.team.TeamNames;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
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
 *       ResourceQuota counts every replica. Not queued by Kueue: it holds no GPU (CPU serving) and must not wait
 *       behind the team's jobs. Rolling updates never go below the replicas asked for ({@code maxUnavailable 0}).</li>
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
    public static final int PORT = 8080;

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

    /** The objects in apply order: the Deployment last, so the Service and budget are there when pods come. */
    static List<HasMetadata> desired(String team, String instance, ModelDeployment deployment,
                                     ServingProperties settings) {
        return List.of(service(team, instance, deployment), disruptionBudget(team, instance, deployment),
                deployment(team, instance, deployment, settings));
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
        Container container = new ContainerBuilder(WorkloadResources.restrictedContainer(CONTAINER,
                settings.image(), deployment.cpu(), deployment.memory()))
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
                .withReplicas(deployment.replicas())
                .withNewStrategy().withType("RollingUpdate").withNewRollingUpdate()
                .withMaxUnavailable(new IntOrString(0)).withMaxSurge(new IntOrString(1))
                .endRollingUpdate().endStrategy()
                .withNewSelector().withMatchLabels(selector(instance, deployment.name())).endSelector()
                .withNewTemplate()
                .withMetadata(new ObjectMetaBuilder().withLabels(podLabels)
                        .withAnnotations(Map.of(MODEL_ANNOTATION, deployment.model())).build())
                .withSpec(WorkloadResources.restrictedPod(container, "Always"))
                .endTemplate()
                .endSpec()
                .build();
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
