package ai.portal.jobs.tracking;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.portal.jobs.workload.WorkloadResources;
import ai.portal.platform.team.PortalLabels;
import ai.portal.platform.team.TeamNames;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;

/**
 * The model: a team's MLflow tracking server as Kubernetes objects, a pure function of the team and the settings.
 *
 * <ul>
 *   <li>Names start with {@code portal-}, which workload names may not ({@code LaunchValidator}), so a notebook or
 *       job never collides with them; every object carries the team labels of this installation and
 *       {@code portal.ai/component=mlflow} (no workload id: the workload reconciler never takes them for its own).</li>
 *   <li>The server ({@code mlflow server}, one worker) serves its UI and REST API under {@code /mlflow/<team>}
 *       ({@code --static-prefix}), the path the proxy forwards unchanged; artifacts are served by the server
 *       ({@code --serve-artifacts}) from the claim {@code portal-mlflow-artifacts}; its store is the team's own
 *       schema in PostgreSQL ({@code postgresql+psycopg2://mlflow_<slug>@…}, the password from the Secret as libpq's
 *       {@code PGPASSWORD}).</li>
 *   <li>Pod Security {@code restricted}: the same non-root user and security context as the team's workloads; CPU
 *       and memory requested, so the team's ResourceQuota counts it. A Deployment, not queued by Kueue: it holds no
 *       GPU and must not wait behind the team's jobs.</li>
 * </ul>
 */
public final class TrackingResources {

    public static final String NAME = "portal-mlflow";
    public static final String CLAIM = "portal-mlflow-artifacts";
    public static final String SECRET_PREFIX = "portal-mlflow-db-";
    public static final String COMPONENT_LABEL = "portal.ai/component";
    public static final String COMPONENT = "mlflow";
    public static final String PASSWORD_KEY = "password";
    public static final String TRACKING_URI_ENV = "MLFLOW_TRACKING_URI";
    public static final int PORT = 5000;
    static final String ARTIFACTS_PATH = "/mlflow/artifacts";

    private TrackingResources() {
    }

    /** The path the server and the proxy share: {@code /mlflow/<team>}. */
    public static String pathPrefix(String team) {
        return "/mlflow/" + team;
    }

    /** The team's store in PostgreSQL: role and schema {@code mlflow_<slug>} (what {@code portal_admin} makes). */
    public static String storeRole(String team) {
        return "mlflow_" + team.replace('-', '_');
    }

    /** What the team's pods name in {@code MLFLOW_TRACKING_URI}: the Service, as any cluster resolves it. */
    public static String trackingUri(String team) {
        return "http://" + NAME + "." + TeamNames.namespace(team) + ".svc:" + PORT + pathPrefix(team);
    }

    public static String secretName(String passwordFingerprint) {
        return SECRET_PREFIX + passwordFingerprint;
    }

    /** The store password's Secret: created once, never read back (the job runner derives the password again). */
    public static Secret secret(String team, String instance, String name, String password) {
        return new SecretBuilder()
                .withMetadata(metadata(team, instance, name))
                .withType("Opaque")
                .addToStringData(PASSWORD_KEY, password)
                .build();
    }

    public static PersistentVolumeClaim claim(String team, String instance, TrackingProperties settings) {
        return new PersistentVolumeClaimBuilder()
                .withMetadata(metadata(team, instance, CLAIM))
                .withNewSpec()
                .withAccessModes("ReadWriteOnce")
                .withNewResources().addToRequests("storage", new Quantity(settings.storage())).endResources()
                .endSpec()
                .build();
    }

    public static Service service(String team, String instance) {
        return new ServiceBuilder()
                .withMetadata(metadata(team, instance, NAME))
                .withNewSpec()
                .withType("ClusterIP")
                .withSelector(selector(instance))
                .addNewPort().withName("http").withPort(PORT).withNewTargetPort(PORT).endPort()
                .endSpec()
                .build();
    }

    public static Deployment deployment(String team, String instance, TrackingProperties settings,
                                        String secretName) {
        String prefix = pathPrefix(team);
        String namespace = TeamNames.namespace(team);
        String store = storeRole(team);
        String backend = "postgresql+psycopg2://" + store + "@" + settings.databaseHost() + ":"
                + settings.databasePort() + "/" + settings.databaseName();
        // MLflow refuses requests whose Host it does not know (DNS rebinding): the Service's names and the pod's IP
        String hosts = String.join(",", NAME, NAME + "." + namespace, NAME + "." + namespace + ".svc",
                NAME + "." + namespace + ".svc.cluster.local", "$(POD_IP)", "$(POD_IP):" + PORT,
                NAME + ":" + PORT, NAME + "." + namespace + ":" + PORT, NAME + "." + namespace + ".svc:" + PORT,
                NAME + "." + namespace + ".svc.cluster.local:" + PORT);
        Container container = new ContainerBuilder(WorkloadResources.restrictedContainer(COMPONENT,
                settings.image(), settings.cpu(), settings.memory()))
                .withCommand("mlflow")
                .withArgs("server",
                        "--host", "$(POD_IP)",
                        "--port", Integer.toString(PORT),
                        "--workers", "1",
                        "--backend-store-uri", backend,
                        "--serve-artifacts",
                        "--artifacts-destination", ARTIFACTS_PATH,
                        "--static-prefix", prefix,
                        // uvicorn closes an idle keep-alive connection after 5 s; the proxy's pool drops its own
                        // after 4 s (application.yaml), and this leaves a wide margin
                        "--uvicorn-opts", "--timeout-keep-alive 30",
                        "--allowed-hosts", hosts)
                .addToEnv(new EnvVarBuilder().withName("POD_IP").withNewValueFrom().withNewFieldRef()
                        .withFieldPath("status.podIP").endFieldRef().endValueFrom().build())
                .addToEnv(new EnvVarBuilder().withName("PGPASSWORD").withNewValueFrom().withNewSecretKeyRef()
                        .withName(secretName).withKey(PASSWORD_KEY).endSecretKeyRef().endValueFrom().build())
                // MLflow 3's server jobs (GenAI scorers, prompt optimisation) run ~7 huey consumers of ~165 MiB each
                // beside the server: tracking and the registry do not use them
                .addToEnv(new EnvVarBuilder().withName("MLFLOW_SERVER_ENABLE_JOB_EXECUTION").withValue("false")
                        .build())
                .addNewPort().withName("http").withContainerPort(PORT).endPort()
                .addNewVolumeMount().withName("artifacts").withMountPath(ARTIFACTS_PATH).endVolumeMount()
                // the first start migrates the store's schema and takes a minute or more
                .withNewReadinessProbe()
                .withNewHttpGet().withPath(prefix + "/health").withNewPort(PORT).endHttpGet()
                .withInitialDelaySeconds(10).withPeriodSeconds(5).withFailureThreshold(3)
                .endReadinessProbe()
                .build();
        return new DeploymentBuilder()
                .withMetadata(metadata(team, instance, NAME))
                .withNewSpec()
                .withReplicas(1)
                // one server per store: the old one stops before a new one starts (schema migrations, the claim)
                .withNewStrategy().withType("Recreate").endStrategy()
                .withNewSelector().withMatchLabels(selector(instance)).endSelector()
                .withNewTemplate()
                .withMetadata(new ObjectMetaBuilder().withLabels(labels(team, instance)).build())
                .withSpec(WorkloadResources.restrictedPod(container, "Always"))
                .editSpec()
                .addNewVolume().withName("artifacts").withNewPersistentVolumeClaim().withClaimName(CLAIM)
                .endPersistentVolumeClaim().endVolume()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    /** The labels every tracking object and its pod carry. */
    public static Map<String, String> labels(String team, String instance) {
        Map<String, String> labels = new LinkedHashMap<>(PortalLabels.teamLabels(instance, team));
        labels.put(COMPONENT_LABEL, COMPONENT);
        return labels;
    }

    private static Map<String, String> selector(String instance) {
        Map<String, String> selector = new LinkedHashMap<>();
        selector.put(PortalLabels.INSTANCE, instance);
        selector.put(COMPONENT_LABEL, COMPONENT);
        return selector;
    }

    private static ObjectMeta metadata(String team, String instance, String name) {
        return new ObjectMetaBuilder().withName(name).withNamespace(TeamNames.namespace(team))
                .withLabels(labels(team, instance)).build();
    }

    /** The objects the server runs as, in apply order (the Secret is created apart: never re-applied). */
    public static List<io.fabric8.kubernetes.api.model.HasMetadata> running(String team, String instance,
                                                                           TrackingProperties settings,
                                                                           String secretName) {
        return List.of(claim(team, instance, settings), service(team, instance),
                deployment(team, instance, settings, secretName));
    }
}
