package ai.portal.tenant.provisioning;

import static ai.portal.tenant.provisioning.TestCluster.SMALL;
import static ai.portal.tenant.provisioning.TestCluster.team;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import ai.portal.platform.team.TeamNames;
import ai.portal.tenant.cluster.ClusterView;
import ai.portal.tenant.domain.TeamState;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The portal's own service accounts in a team namespace, on the real API server, as those accounts (impersonation):
 * the job runner can make the calls its code makes there and no more; the logging pipeline can read the pod log API
 * and nothing else; neither holds the team's edit role, also on a team provisioned before the change.
 */
class PortalServiceAccountsTest {

    static final Duration TIMEOUT = Duration.ofSeconds(60);
    static final ProvisioningProperties PROPS = ProvisioningProperties.defaults();
    static final String JOB_RUNNER = "system:serviceaccount:ai-portal:job-runner";
    static final String LOGGING_PIPELINE = "system:serviceaccount:ai-portal:logging-pipeline";
    /** The job runner's own label on what it creates (its code labels every object with its workload id). */
    static final Map<String, String> WORKLOAD = Map.of("app.kubernetes.io/managed-by", "ai-portal",
            "portal.ai/workload-id", "3f1c2b1e-0000-4000-8000-000000000001");

    static KubernetesClient admin;
    static ClusterView view;
    static KubernetesTeamSync sync;
    static KubernetesClient asJobRunner;
    static KubernetesClient asLoggingPipeline;
    String slug;
    String ns;

    @BeforeAll
    static void connect() {
        admin = TestCluster.connect();
        view = TestCluster.view(admin);
        sync = new KubernetesTeamSync(admin, view, PROPS, KueueProperties.DEFAULTS, new AppliedVersions());
        view.start();
        asJobRunner = impersonating(JOB_RUNNER);
        asLoggingPipeline = impersonating(LOGGING_PIPELINE);
    }

    /** A client that the API server takes for {@code user} in the groups every service account is in. */
    static KubernetesClient impersonating(String user) {
        Config config = Config.fromKubeconfig(TestCluster.kubeconfigFile());
        config.setRequestTimeout(60_000);
        config.setImpersonateUsername(user);
        config.setImpersonateGroups("system:serviceaccounts", "system:serviceaccounts:ai-portal",
                "system:authenticated");
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    @AfterAll
    static void disconnect() {
        for (KubernetesClient client : new KubernetesClient[] {asJobRunner, asLoggingPipeline}) {
            if (client != null) {
                client.close();
            }
        }
        if (view != null) {
            view.stop();
        }
        if (admin != null) {
            admin.close();
        }
    }

    @BeforeEach
    void newTeam() {
        slug = TestCluster.uniqueSlug("sa");
        ns = TeamNames.namespace(slug);
    }

    @AfterEach
    void removeTeam() {
        TestCluster.cleanUp(admin, slug);
    }

    void converge() {
        sync.converge(team(slug, TeamState.ACTIVE, SMALL)).block(TIMEOUT);
    }

    /**
     * The job runner's calls in a team namespace, as its code makes them (WorkloadApplier, NotebookMarks): create a
     * notebook's token Secret without reading it (a second create is a 409, which it takes for "there"), server-side
     * apply a claim, Service, StatefulSet and Job, annotate the StatefulSet under a second field manager, record an
     * Event, delete an orphan by name, a workload's objects by label, and the token Secret by name.
     */
    @Test
    void theJobRunnerCanMakeEveryCallItsCodeMakesInATeamNamespace() {
        converge();
        String manager = "ai-portal-job-runner";

        Secret token = new SecretBuilder().withNewMetadata().withName("nb-token-0123456789").withLabels(WORKLOAD)
                .endMetadata().addToStringData("token", "t0ken").build();
        asJobRunner.secrets().inNamespace(ns).resource(token).create();
        assertThatThrownBy(() -> asJobRunner.secrets().inNamespace(ns).resource(token).create())
                .isInstanceOf(KubernetesClientException.class)
                .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(409));
        for (HasMetadata object : List.of(claim("nb-workspace"), service("nb"), statefulSet("nb"), job("train"))) {
            HasMetadata applied = asJobRunner.resource(object).fieldManager(manager).forceConflicts()
                    .serverSideApply();
            assertThat(applied.getMetadata().getUid()).as(object.getKind()).isNotBlank();
        }
        // the idle culler's and a user's extension's annotations, each under a field manager of its own
        asJobRunner.resource(new StatefulSetBuilder().withNewMetadata().withName("nb").withNamespace(ns)
                .withAnnotations(Map.of("portal.ai/idle-stop-at", "2026-11-30T08:00:00Z")).endMetadata().build())
                .fieldManager(manager + "-idle-culler").forceConflicts().serverSideApply();
        String now = Instant.now().toString();
        asJobRunner.v1().events().inNamespace(ns).resource(new EventBuilder().withNewMetadata()
                .withGenerateName("nb.").withNamespace(ns).withLabels(WORKLOAD).endMetadata()
                .withNewInvolvedObject().withApiVersion("apps/v1").withKind("StatefulSet").withNamespace(ns)
                .withName("nb").endInvolvedObject().withType("Warning").withReason("IdleSoon")
                .withMessage("stops in 10 minutes").withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                .withNewSource().withComponent("job-runner").endSource().build()).create();

        // an orphan by name, then a workload's objects of every kind by its label
        asJobRunner.batch().v1().jobs().inNamespace(ns).withName("train").delete();
        for (Class<? extends HasMetadata> kind : List.of(StatefulSet.class, Job.class, Service.class,
                PersistentVolumeClaim.class)) {
            asJobRunner.resources(kind).inNamespace(ns).withLabel("portal.ai/workload-id", WORKLOAD.get(
                    "portal.ai/workload-id")).delete();
        }
        asJobRunner.secrets().inNamespace(ns).withName("nb-token-0123456789").delete();
        assertThat(admin.secrets().inNamespace(ns).withName("nb-token-0123456789").get()).isNull();
        assertThat(admin.services().inNamespace(ns).withName("nb").get()).isNull();
    }

    @Test
    void theJobRunnerCannotReadAnySecretRunPodsOrActOutsideTeamNamespaces() {
        converge();
        admin.secrets().inNamespace(ns).resource(new SecretBuilder().withNewMetadata().withName("hf-token")
                .endMetadata().addToStringData("token", "members-own").build()).create();
        // not even one it made itself, by name: nothing it could learn a member's Secret through
        asJobRunner.secrets().inNamespace(ns).resource(new SecretBuilder().withNewMetadata()
                .withName("nb-token-0123456789").withLabels(WORKLOAD).endMetadata().addToStringData("token", "t0ken")
                .build()).create();

        assertForbidden(() -> asJobRunner.secrets().inNamespace(ns).withName("hf-token").get());
        assertForbidden(() -> asJobRunner.secrets().inNamespace(ns).withName("nb-token-0123456789").get());
        assertForbidden(() -> asJobRunner.secrets().inNamespace(ns).list());
        for (String verb : List.of("get", "list", "watch", "deletecollection")) {
            assertThat(mayOnSecrets(JOB_RUNNER, verb)).as(verb).isFalse();
        }
        assertThat(mayOnSecrets(JOB_RUNNER, "create")).isTrue();
        // a delete by label answers with what it deleted: refused whole
        assertForbidden(() -> asJobRunner.secrets().inNamespace(ns).withLabel("portal.ai/workload-id",
                WORKLOAD.get("portal.ai/workload-id")).delete());
        assertForbidden(() -> asJobRunner.secrets().inNamespace(ns).withName("hf-token").edit(s -> s));
        assertForbidden(() -> asJobRunner.pods().inNamespace(ns).resource(TestCluster.restrictedPod("p", "100m"))
                .create());
        assertForbidden(() -> asJobRunner.configMaps().inNamespace(ns).resource(new ConfigMapBuilder()
                .withNewMetadata().withName("c").endMetadata().build()).create());
        assertForbidden(() -> asJobRunner.rbac().roleBindings().inNamespace(ns).list());
        assertForbidden(() -> asJobRunner.resourceQuotas().inNamespace(ns).withName("team-quota").delete());
        // outside team namespaces: nothing at all
        assertForbidden(() -> asJobRunner.resource(statefulSetIn("default", "nb")).fieldManager("m")
                .serverSideApply());
        assertForbidden(() -> asJobRunner.secrets().inNamespace("kube-system").withName("anything").get());
        assertThat(admin.secrets().inNamespace(ns).withName("hf-token").get()).as("the member's secret").isNotNull();
    }

    /** The logging pipeline's one call in a team namespace: the pod log API, as ClusterAccess asks it. */
    @Test
    void theLoggingPipelineReadsPodLogsAndNothingElse() throws Exception {
        converge();
        admin.secrets().inNamespace(ns).resource(new SecretBuilder().withNewMetadata().withName("hf-token")
                .endMetadata().addToStringData("token", "members-own").build()).create();

        // authorised: the API server looks for the pod (404), rather than refusing the caller (403)
        assertThat(podLog(asLoggingPipeline, ns, "no-such-pod")).isEqualTo(404);
        assertThat(podLog(asLoggingPipeline, "kube-system", "no-such-pod")).as("not a team namespace")
                .isEqualTo(403);
        assertForbidden(() -> asLoggingPipeline.secrets().inNamespace(ns).list());
        assertForbidden(() -> asLoggingPipeline.secrets().inNamespace(ns).withName("hf-token").get());
        assertForbidden(() -> asLoggingPipeline.pods().inNamespace(ns)
                .resource(TestCluster.restrictedPod("p", "100m")).create());
        assertForbidden(() -> asLoggingPipeline.apps().statefulSets().inNamespace(ns).resource(statefulSet("nb"))
                .create());
        assertForbidden(() -> asLoggingPipeline.pods().inNamespace(ns).withName("any").delete());
    }

    /**
     * A team provisioned before the portal's services had Roles of their own bound them to team-edit; the next
     * converge takes them out of that binding (its subjects are an atomic list, replaced whole by the apply).
     */
    @Test
    void aTeamProvisionedBeforeLosesThePortalsServiceAccountsFromTeamEditOnTheNextConverge() {
        converge();
        List<Subject> old = List.of(
                new io.fabric8.kubernetes.api.model.rbac.SubjectBuilder().withKind("Group")
                        .withApiGroup("rbac.authorization.k8s.io").withName("oidc:/teams/team-" + slug).build(),
                new io.fabric8.kubernetes.api.model.rbac.SubjectBuilder().withKind("ServiceAccount")
                        .withNamespace("ai-portal").withName("job-runner").build(),
                new io.fabric8.kubernetes.api.model.rbac.SubjectBuilder().withKind("ServiceAccount")
                        .withNamespace("ai-portal").withName("logging-pipeline").build());
        RoleBinding before = admin.rbac().roleBindings().inNamespace(ns).withName(TeamResources.EDIT).get();
        // as the previous version wrote it: same field manager, the service accounts among the subjects
        admin.resource(new RoleBindingBuilder().withMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
                        .withName(TeamResources.EDIT).withNamespace(ns)
                        .withLabels(before.getMetadata().getLabels()).build())
                .withRoleRef(before.getRoleRef()).withSubjects(old).build())
                .fieldManager(PROPS.fieldManager()).forceConflicts().serverSideApply();
        // the API server's authorizer sees a binding through its own cache, a moment after it is written
        assertThat(eventually(() -> secretsListable(JOB_RUNNER), true))
                .as("the old binding, for the test to mean something").isTrue();

        converge();

        assertThat(admin.rbac().roleBindings().inNamespace(ns).withName(TeamResources.EDIT).get().getSubjects())
                .extracting(Subject::getKind, Subject::getName)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("Group", "oidc:/teams/team-" + slug));
        assertThat(eventually(() -> secretsListable(JOB_RUNNER), false)).isFalse();
        assertThat(eventually(() -> secretsListable(LOGGING_PIPELINE), false)).isFalse();
    }

    /** The answer once it is {@code expected}, or the last answer after 30 s. */
    private static boolean eventually(java.util.function.BooleanSupplier answer, boolean expected) {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
        boolean seen = answer.getAsBoolean();
        while (seen != expected && System.nanoTime() < deadline) {
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return seen;
            }
            seen = answer.getAsBoolean();
        }
        return seen;
    }

    boolean secretsListable(String user) {
        return mayOnSecrets(user, "list");
    }

    /** What the API server's authorizer answers for {@code verb} on Secrets in the team namespace, as {@code user}. */
    boolean mayOnSecrets(String user, String verb) {
        return admin.authorization().v1().subjectAccessReview().create(
                new io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder().withNewSpec()
                        .withUser(user).withGroups("system:serviceaccounts", "system:serviceaccounts:ai-portal",
                                "system:authenticated")
                        .withNewResourceAttributes().withNamespace(ns).withVerb(verb).withResource("secrets")
                        .endResourceAttributes().endSpec().build()).getStatus().getAllowed();
    }

    /** The status code of the pod log API for {@code pod}, asked the way the logging pipeline asks it. */
    static int podLog(KubernetesClient client, String namespace, String pod) throws Exception {
        String uri = client.getMasterUrl().toString().replaceAll("/$", "") + "/api/v1/namespaces/" + namespace
                + "/pods/" + pod + "/log?container=main&timestamps=true";
        HttpResponse<String> response = client.getHttpClient()
                .sendAsync(client.getHttpClient().newHttpRequestBuilder().uri(uri).build(), String.class)
                .get(60, java.util.concurrent.TimeUnit.SECONDS);
        return response.code();
    }

    static void assertForbidden(Runnable call) {
        assertThatThrownBy(call::run).isInstanceOf(KubernetesClientException.class)
                .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(403));
    }

    PersistentVolumeClaim claim(String name) {
        return new PersistentVolumeClaimBuilder().withNewMetadata().withName(name).withNamespace(ns)
                .withLabels(WORKLOAD).endMetadata().withNewSpec().withAccessModes("ReadWriteOnce")
                .withNewResources().addToRequests("storage", new Quantity("1Gi")).endResources().endSpec().build();
    }

    Service service(String name) {
        return new ServiceBuilder().withNewMetadata().withName(name).withNamespace(ns).withLabels(WORKLOAD)
                .endMetadata().withNewSpec().withType("ClusterIP").addToSelector("portal.ai/workload", name)
                .addNewPort().withName("http").withPort(8888).endPort().endSpec().build();
    }

    StatefulSet statefulSet(String name) {
        return statefulSetIn(ns, name);
    }

    static StatefulSet statefulSetIn(String namespace, String name) {
        var pod = TestCluster.restrictedPod(name, "100m");
        return new StatefulSetBuilder().withNewMetadata().withName(name).withNamespace(namespace).withLabels(WORKLOAD)
                .endMetadata().withNewSpec().withReplicas(0).withServiceName(name)
                .withNewSelector().addToMatchLabels("portal.ai/workload", name).endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("portal.ai/workload", name).endMetadata()
                .withSpec(pod.getSpec()).endTemplate().endSpec().build();
    }

    Job job(String name) {
        var pod = TestCluster.restrictedPod(name, "100m");
        pod.getSpec().setRestartPolicy("Never");
        return new JobBuilder().withNewMetadata().withName(name).withNamespace(ns).withLabels(WORKLOAD)
                .endMetadata().withNewSpec().withSuspend(true).withBackoffLimit(0)
                .withNewTemplate().withSpec(pod.getSpec()).endTemplate().endSpec().build();
    }
}
