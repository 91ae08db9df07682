package ai.portal.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.portal.localcluster.LocalCluster;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributesBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The chart on the real local control plane (one cluster for all of it): every rendered object accepted by the API
 * server (schemas, admission, Pod Security), a real install whose pods are scheduled and Running on the simulated
 * nodes, an upgrade that rolls the Deployments, the service accounts' permissions, and an uninstall that leaves
 * nothing behind.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChartClusterTest {

    private static final String MANAGER = "ai-portal-chart-test";

    private final String suffix = UUID.randomUUID().toString().substring(0, 6);
    /** the release namespace, Pod Security "restricted" enforced: the portal's pods must pass it */
    private final String ns = "chart-" + suffix;
    /** the node agents' namespace (host paths need "privileged") */
    private final String nodesNs = "chart-" + suffix + "-nodes";
    private final String instance = "chart-" + suffix;
    private final String release = "portal";
    private final List<String> teamNamespaces = new ArrayList<>();

    private LocalCluster cluster;
    private KubernetesClient admin;
    private Helm helm;
    private Path valuesFile;

    @BeforeAll
    void startCluster() throws IOException {
        cluster = LocalCluster.shared();
        admin = cluster.admin();
        helm = Helm.on(cluster.kubeconfig());
        installMonitoringCrds();
        admin.resource(new NamespaceBuilder().withNewMetadata().withName(ns)
                .addToLabels("pod-security.kubernetes.io/enforce", "restricted")
                .addToLabels("pod-security.kubernetes.io/enforce-version", "latest")
                .endMetadata().build()).serverSideApply();
        admin.resource(new NamespaceBuilder().withNewMetadata().withName(nodesNs)
                .addToLabels("pod-security.kubernetes.io/enforce", "privileged")
                .endMetadata().build()).serverSideApply();
        for (var secret : List.of(
                Map.of("name", "ai-portal-keycloak", "a", "portal-ui-client-secret", "b", "tenant-admin-client-secret"),
                Map.of("name", "ai-portal-postgresql", "a", "username", "b", "password"))) {
            admin.resource(new SecretBuilder().withNewMetadata().withName(secret.get("name")).withNamespace(ns)
                    .endMetadata().addToStringData(secret.get("a"), "x").addToStringData(secret.get("b"), "y").build())
                    .serverSideApply();
        }
        valuesFile = Files.createTempFile("chart-values", ".yaml");
        Files.writeString(valuesFile, """
                installationId: %s
                logCollector:
                  namespace: %s
                """.formatted(instance, nodesNs));
    }

    @AfterAll
    void cleanUp() {
        if (admin == null) {
            return;
        }
        helm.run("uninstall", release, "--namespace", ns, "--wait");
        Stream.concat(Stream.of(ns, nodesNs), teamNamespaces.stream())
                .forEach(n -> admin.namespaces().withName(n).delete());
    }

    /** Server-side dry-run of every object of both values sets: the API server's schemas and admission decide. */
    @Test
    @Order(1)
    void everyRenderedObjectIsAcceptedByTheApiServer() {
        for (String values : List.of("required-values.yaml", "production-values.yaml")) {
            Rendered rendered = Rendered.parse(helm.template(release, ns, List.of(Helm.values(values), valuesFile)));
            assertThat(rendered.objects()).hasSizeGreaterThan(25);
            for (GenericKubernetesResource object : rendered.objects()) {
                try {
                    admin.resource(object).dryRun().fieldManager(MANAGER).forceConflicts().serverSideApply();
                } catch (KubernetesClientException e) {
                    throw new AssertionError(values + ": " + object.getKind() + " " + object.getMetadata().getName()
                            + " refused: " + e.getMessage(), e);
                }
            }
        }
    }

    @Test
    @Order(2)
    void installSchedulesEveryPodOntoTheNodesAndItRuns() {
        helm.run("install", release, Helm.chart().toString(), "--namespace", ns, "--values",
                Helm.values("required-values.yaml").toString(), "--values", valuesFile.toString(),
                "--wait", "--timeout", "5m").orFail();
        for (String service : List.of("portal-ui", "tenant-service", "job-runner", "logging-pipeline")) {
            Deployment d = admin.apps().deployments().inNamespace(ns).withName(release + "-ai-portal-" + service).get();
            assertThat(d.getStatus().getAvailableReplicas()).as(service).isGreaterThanOrEqualTo(1);
            // helm's --wait is satisfied once enough replicas are available; the others start a moment later
            List<Pod> pods = runningPodsOf(ns, service);
            assertThat(pods).as(service).isNotEmpty().allSatisfy(pod -> {
                assertThat(pod.getSpec().getNodeName()).isNotBlank();
                assertThat(pod.getStatus().getPhase()).isEqualTo("Running");
            });
        }
        // one log collector on every node (it tolerates every taint, GPU nodes included)
        int nodes = admin.nodes().list().getItems().size();
        List<Pod> collectors = runningPodsOf(nodesNs, "log-collector-pipeline");
        assertThat(collectors).hasSize(nodes).allSatisfy(pod -> assertThat(pod.getStatus().getPhase())
                .isEqualTo("Running"));
    }

    @Test
    @Order(3)
    void upgradeWithAChangedValueRollsTheDeployments() {
        Map<String, String> before = templateHashes();
        helm.run("upgrade", release, Helm.chart().toString(), "--namespace", ns, "--values",
                Helm.values("required-values.yaml").toString(), "--values", valuesFile.toString(),
                "--set", "keycloak.url=https://sso2.example.com", "--wait", "--timeout", "5m").orFail();
        Map<String, String> after = templateHashes();
        assertThat(after.keySet()).isEqualTo(before.keySet());
        before.forEach((deployment, hash) -> {
            assertThat(after.get(deployment)).as(deployment).isNotEqualTo(hash);
            Deployment d = admin.apps().deployments().inNamespace(ns).withName(deployment).get();
            assertThat(d.getMetadata().getAnnotations()).containsEntry("deployment.kubernetes.io/revision", "2");
            assertThat(d.getStatus().getUpdatedReplicas()).isEqualTo(d.getStatus().getReplicas());
            assertThat(d.getStatus().getObservedGeneration()).isEqualTo(d.getMetadata().getGeneration());
            // the new pods are the ones running, with the new setting
            String component = deployment.substring((release + "-ai-portal-").length());
            assertThat(podsOf(ns, component)).filteredOn(p -> p.getMetadata().getDeletionTimestamp() == null)
                    .isNotEmpty().allSatisfy(p -> assertThat(p.getMetadata().getLabels())
                            .containsEntry("pod-template-hash", after.get(deployment)));
        });
    }

    /** What each service account may do, asked of the API server's authorizer (SubjectAccessReview). */
    @Test
    @Order(4)
    void serviceAccountsHoldExactlyWhatTheyNeed() {
        String team = "team-chart-" + suffix;
        String other = "kube-system";
        Sa tenant = sa("tenant-service");
        Sa jobs = sa("job-runner");
        Sa logs = sa("logging-pipeline");
        Sa ui = sa("portal-ui");

        // tenant-service: namespaces and what it provisions, Kueue's queues, the team Roles by name
        allowed(tenant, "create", "", "namespaces", null, null);
        allowed(tenant, "patch", "", "resourcequotas", team, null);
        allowed(tenant, "patch", "networking.k8s.io", "networkpolicies", team, null);
        allowed(tenant, "patch", "rbac.authorization.k8s.io", "rolebindings", team, null);
        for (String kind : List.of("clusterqueues", "resourceflavors", "workloadpriorityclasses")) {
            allowed(tenant, "patch", "kueue.x-k8s.io", kind, null, null);
        }
        allowed(tenant, "patch", "kueue.x-k8s.io", "localqueues", team, null);
        allowed(tenant, "bind", "rbac.authorization.k8s.io", "roles", team, "team-edit");
        allowed(tenant, "escalate", "rbac.authorization.k8s.io", "roles", team, "team-view");
        allowed(tenant, "bind", "rbac.authorization.k8s.io", "roles", team, "portal-job-runner");
        allowed(tenant, "escalate", "rbac.authorization.k8s.io", "roles", team, "portal-logging-pipeline");
        allowed(tenant, "update", "coordination.k8s.io", "leases", ns, null);
        denied(tenant, "bind", "rbac.authorization.k8s.io", "roles", team, "admin-ish");
        denied(tenant, "bind", "rbac.authorization.k8s.io", "clusterroles", null, "cluster-admin");
        denied(tenant, "escalate", "rbac.authorization.k8s.io", "clusterroles", null, null);
        denied(tenant, "create", "rbac.authorization.k8s.io", "clusterrolebindings", null, null);
        denied(tenant, "get", "", "secrets", other, null);
        denied(tenant, "list", "", "secrets", null, null);
        denied(tenant, "create", "", "pods", team, null);

        // job-runner: reads across the cluster, Kueue and its visibility API; no writes before tenant-service gave it
        // its Role in a team namespace
        allowed(jobs, "watch", "", "pods", null, null);
        allowed(jobs, "list", "apps", "statefulsets", null, null);
        allowed(jobs, "list", "kueue.x-k8s.io", "workloads", null, null);
        allowed(jobs, "get", "visibility.kueue.x-k8s.io", "localqueues/pendingworkloads", team, "team");
        allowed(jobs, "update", "coordination.k8s.io", "leases", ns, null);
        denied(jobs, "create", "apps", "statefulsets", other, null);
        denied(jobs, "create", "", "secrets", team, null); // not before tenant-service provisioned the team
        denied(jobs, "get", "", "secrets", ns, null);
        denied(jobs, "create", "", "events", other, null);
        denied(jobs, "patch", "kueue.x-k8s.io", "clusterqueues", null, null);
        denied(jobs, "create", "", "namespaces", null, null);

        // logging-pipeline: pods across the cluster; their logs only in a team namespace, from its Role there
        allowed(logs, "list", "", "pods", null, null);
        denied(logs, "get", "", "pods/log", team, null); // not before tenant-service provisioned the team
        denied(logs, "get", "", "pods/log", other, null);
        denied(logs, "get", "", "secrets", other, null);
        denied(logs, "create", "", "pods", team, null);

        // portal-ui: nothing at all
        denied(ui, "list", "", "pods", null, null);
        denied(ui, "get", "", "secrets", ns, null);

        for (Sa account : List.of(tenant, jobs, logs, ui)) {
            denied(account, "*", "*", "*", null, null); // nothing cluster-admin
            for (String kind : List.of("users", "groups", "serviceaccounts")) {
                denied(account, "impersonate", "", kind, null, null);
            }
            denied(account, "get", "", "secrets", other, null);
            denied(account, "list", "", "secrets", null, null);
            denied(account, "escalate", "rbac.authorization.k8s.io", "roles", other, null);
            denied(account, "bind", "rbac.authorization.k8s.io", "clusterroles", null, "admin");
            denied(account, "create", "", "serviceaccounts/token", other, null);
        }
    }

    /**
     * The real thing the tenant-service account does: create a team namespace, write the team Roles and the portal
     * services' Roles (rules it does not hold itself: escalate by name) and bind each to its service account; the job
     * runner can then write workloads there and nowhere else, the logging pipeline read pod logs there and nothing
     * else. A Role of another name is refused as an escalation.
     */
    @Test
    @Order(5)
    void tenantServiceProvisionsATeamAndEachServiceGetsOnlyItsOwnRoleThere() {
        String team = "team-chart-" + suffix;
        teamNamespaces.add(team);
        try (KubernetesClient asTenant = impersonating(sa("tenant-service"))) {
            asTenant.resource(new NamespaceBuilder().withNewMetadata().withName(team)
                    .addToLabels("portal.ai/team", "chart-" + suffix).addToLabels("portal.ai/instance", instance)
                    .endMetadata().build()).fieldManager(MANAGER).serverSideApply();
            var editRules = List.of(
                    new PolicyRuleBuilder().withApiGroups("").withResources("pods", "services",
                            "persistentvolumeclaims", "configmaps", "secrets").withVerbs("get", "list", "watch",
                            "create", "update", "patch", "delete").build(),
                    new PolicyRuleBuilder().withApiGroups("apps").withResources("statefulsets")
                            .withVerbs("get", "list", "watch", "create", "update", "patch", "delete").build(),
                    new PolicyRuleBuilder().withApiGroups("batch").withResources("jobs")
                            .withVerbs("get", "list", "watch", "create", "update", "patch", "delete").build());
            // as tenant-service's TeamResources writes them
            var workloadWrites = List.of("create", "patch", "delete", "deletecollection");
            var jobRunnerRules = List.of(
                    new PolicyRuleBuilder().withApiGroups("apps").withResources("statefulsets")
                            .withVerbs(workloadWrites).build(),
                    new PolicyRuleBuilder().withApiGroups("batch").withResources("jobs").withVerbs(workloadWrites)
                            .build(),
                    new PolicyRuleBuilder().withApiGroups("").withResources("services", "persistentvolumeclaims")
                            .withVerbs(workloadWrites).build(),
                    new PolicyRuleBuilder().withApiGroups("").withResources("secrets")
                            .withVerbs("create", "delete").build(),
                    new PolicyRuleBuilder().withApiGroups("").withResources("events").withVerbs("create").build());
            var loggingRules = List.of(new PolicyRuleBuilder().withApiGroups("").withResources("pods/log")
                    .withVerbs("get").build());
            for (var role : List.of(
                    Map.entry("team-edit", editRules),
                    Map.entry("portal-job-runner", jobRunnerRules),
                    Map.entry("portal-logging-pipeline", loggingRules))) {
                asTenant.resource(new RoleBuilder().withNewMetadata().withName(role.getKey()).withNamespace(team)
                        .endMetadata().withRules(role.getValue()).build()).fieldManager(MANAGER).serverSideApply();
            }
            for (var binding : List.of(
                    Map.entry("portal-job-runner", sa("job-runner")),
                    Map.entry("portal-logging-pipeline", sa("logging-pipeline")))) {
                asTenant.resource(new RoleBindingBuilder().withNewMetadata().withName(binding.getKey())
                        .withNamespace(team).endMetadata().withNewRoleRef()
                        .withApiGroup("rbac.authorization.k8s.io").withKind("Role").withName(binding.getKey())
                        .endRoleRef().addNewSubject().withKind("ServiceAccount").withName(binding.getValue().name())
                        .withNamespace(ns).endSubject().build()).fieldManager(MANAGER).serverSideApply();
            }
            // RBAC would let it write the team Roles anywhere; the chart's admission policy keeps it to its teams
            assertThatThrownBy(() -> asTenant.resource(new RoleBuilder().withNewMetadata().withName("team-edit")
                    .withNamespace("default").endMetadata().withRules(editRules).build()).fieldManager(MANAGER)
                    .serverSideApply())
                    .isInstanceOf(KubernetesClientException.class)
                    .hasMessageContaining("changes only its own team namespaces");
            assertThatThrownBy(() -> asTenant.resource(new NamespaceBuilder().withNewMetadata().withName("kube-system")
                    .addToLabels("portal.ai/team", "x").addToLabels("portal.ai/instance", instance).endMetadata()
                    .build()).fieldManager(MANAGER).serverSideApply())
                    .isInstanceOf(KubernetesClientException.class)
                    .hasMessageContaining("does not take over objects of others");
            // any other Role with rules it does not hold is an escalation, refused by the API server
            assertThatThrownBy(() -> asTenant.resource(new RoleBuilder().withNewMetadata().withName("sneaky")
                    .withNamespace(team).endMetadata().withRules(editRules).build()).fieldManager(MANAGER)
                    .serverSideApply())
                    .isInstanceOf(KubernetesClientException.class)
                    .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(403));
        }
        Sa jobs = sa("job-runner");
        allowed(jobs, "create", "apps", "statefulsets", team, null);
        allowed(jobs, "patch", "batch", "jobs", team, null);
        allowed(jobs, "create", "", "secrets", team, null);
        allowed(jobs, "create", "", "events", team, null);
        denied(jobs, "get", "", "secrets", team, null);
        denied(jobs, "list", "", "secrets", team, null);
        denied(jobs, "watch", "", "secrets", team, null);
        denied(jobs, "deletecollection", "", "secrets", team, null);
        denied(jobs, "create", "", "pods", team, null);
        denied(jobs, "create", "", "configmaps", team, null);
        denied(jobs, "create", "apps", "statefulsets", "default", null);
        denied(jobs, "get", "", "secrets", "kube-system", null);
        Sa logs = sa("logging-pipeline");
        allowed(logs, "get", "", "pods/log", team, null);
        denied(logs, "get", "", "pods/log", "kube-system", null);
        denied(logs, "get", "", "secrets", team, null);
        denied(logs, "list", "", "secrets", team, null);
        denied(logs, "create", "", "pods", team, null);
        denied(logs, "delete", "", "pods", team, null);
    }

    /**
     * The job runner's Role cannot tell its objects from a member's; the chart's admission policy does: it creates
     * and deletes (by name: it has no delete by label on Secrets, which would answer with them) only what carries
     * this installation's id.
     */
    @Test
    @Order(6)
    void theJobRunnerChangesOnlyItsOwnObjectsInATeamNamespace() {
        String team = "team-chart-" + suffix;
        Map<String, String> ours = Map.of("portal.ai/instance", instance, "portal.ai/workload-id", "w1");
        admin.resource(new SecretBuilder().withNewMetadata().withName("hf-token").withNamespace(team)
                .addToLabels("portal.ai/workload-id", "w1").endMetadata().addToStringData("token", "members-own")
                .build()).serverSideApply();
        try (KubernetesClient asJobs = impersonating(sa("job-runner"))) {
            asJobs.secrets().inNamespace(team).resource(new SecretBuilder().withNewMetadata().withName("nb-token")
                    .withLabels(ours).endMetadata().addToStringData("token", "t").build()).create();
            assertThatThrownBy(() -> asJobs.secrets().inNamespace(team).resource(new SecretBuilder()
                    .withNewMetadata().withName("unlabelled").endMetadata().build()).create())
                    .isInstanceOf(KubernetesClientException.class)
                    .hasMessageContaining("changes only its own workloads' objects");
            // RBAC lets it delete a Secret by name; the policy refuses a member's, and it answers no Secret
            assertThatThrownBy(() -> asJobs.secrets().inNamespace(team).withName("hf-token").delete())
                    .isInstanceOf(KubernetesClientException.class)
                    .hasMessageContaining("changes only its own workloads' objects")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("members-own"));
            assertThat(admin.secrets().inNamespace(team).withName("hf-token").get()).isNotNull();
            // a delete by label is not even allowed by RBAC any more
            assertThatThrownBy(() -> asJobs.secrets().inNamespace(team).withLabel("portal.ai/workload-id", "w1")
                    .delete())
                    .isInstanceOf(KubernetesClientException.class)
                    .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(403));
            admin.secrets().inNamespace(team).withName("hf-token").delete();
            asJobs.secrets().inNamespace(team).withName("nb-token").delete();
            assertThat(admin.secrets().inNamespace(team).withName("nb-token").get()).isNull();
        }
    }

    @Test
    @Order(7)
    void uninstallLeavesNothingBehind() {
        helm.run("uninstall", release, "--namespace", ns, "--wait", "--timeout", "3m").orFail();
        String selector = "portal.ai/instance=" + instance + ",app.kubernetes.io/instance=" + release;
        assertThat(admin.rbac().clusterRoles().withLabelSelector(selector).list().getItems()).isEmpty();
        assertThat(admin.rbac().clusterRoleBindings().withLabelSelector(selector).list().getItems()).isEmpty();
        assertThat(admin.rbac().clusterRoles().list().getItems()).noneMatch(r -> r.getMetadata().getName()
                .startsWith(ns + "-"));
        assertThat(admin.rbac().roleBindings().inNamespace("kube-system").withLabelSelector(selector).list()
                .getItems()).isEmpty();
        assertThat(admin.admissionRegistration().v1().validatingAdmissionPolicies().withLabelSelector(selector).list()
                .getItems()).isEmpty();
        assertThat(admin.admissionRegistration().v1().validatingAdmissionPolicyBindings().withLabelSelector(selector)
                .list().getItems()).isEmpty();
        for (String namespace : List.of(ns, nodesNs)) {
            assertThat(admin.apps().deployments().inNamespace(namespace).withLabelSelector(selector).list().getItems())
                    .isEmpty();
            assertThat(admin.apps().daemonSets().inNamespace(namespace).withLabelSelector(selector).list().getItems())
                    .isEmpty();
            assertThat(admin.serviceAccounts().inNamespace(namespace).withLabelSelector(selector).list().getItems())
                    .isEmpty();
        }
    }

    // --- helpers -----------------------------------------------------------------------------------------

    private record Sa(String namespace, String name) {
        String user() {
            return "system:serviceaccount:" + namespace + ":" + name;
        }
    }

    private Sa sa(String component) {
        return new Sa(ns, release + "-ai-portal-" + component);
    }

    private void allowed(Sa sa, String verb, String group, String resource, String namespace, String name) {
        assertThat(review(sa, verb, group, resource, namespace, name))
                .as("%s may %s %s/%s in %s (%s)", sa.name(), verb, group, resource, namespace, name).isTrue();
    }

    private void denied(Sa sa, String verb, String group, String resource, String namespace, String name) {
        assertThat(review(sa, verb, group, resource, namespace, name))
                .as("%s may not %s %s/%s in %s (%s)", sa.name(), verb, group, resource, namespace, name).isFalse();
    }

    private boolean review(Sa sa, String verb, String group, String resource, String namespace, String name) {
        String[] parts = resource.split("/", 2);
        var attributes = new ResourceAttributesBuilder().withVerb(verb).withGroup(group).withResource(parts[0])
                .withSubresource(parts.length > 1 ? parts[1] : null).withNamespace(namespace).withName(name).build();
        SubjectAccessReview review = admin.authorization().v1().subjectAccessReview().create(
                new SubjectAccessReviewBuilder().withNewSpec().withUser(sa.user())
                        .withGroups("system:serviceaccounts", "system:serviceaccounts:" + sa.namespace(),
                                "system:authenticated")
                        .withResourceAttributes(attributes).endSpec().build());
        return review.getStatus().getAllowed();
    }

    private KubernetesClient impersonating(Sa sa) {
        Config config = new ConfigBuilder(admin.getConfiguration()).withImpersonateUsername(sa.user())
                .withImpersonateGroups("system:serviceaccounts", "system:serviceaccounts:" + sa.namespace(),
                        "system:authenticated").build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    /** The component's pods once every one of them runs, or as they are after two minutes. */
    private List<Pod> runningPodsOf(String namespace, String component) {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        List<Pod> pods = podsOf(namespace, component);
        while (System.nanoTime() < deadline && (pods.isEmpty()
                || !pods.stream().allMatch(pod -> "Running".equals(pod.getStatus().getPhase())))) {
            try {
                Thread.sleep(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            pods = podsOf(namespace, component);
        }
        return pods;
    }

    private List<Pod> podsOf(String namespace, String component) {
        return admin.pods().inNamespace(namespace).withLabel("app.kubernetes.io/component", component).list()
                .getItems();
    }

    private Map<String, String> templateHashes() {
        Map<String, String> hashes = new java.util.TreeMap<>();
        for (Deployment d : admin.apps().deployments().inNamespace(ns).withLabel("app.kubernetes.io/instance", release)
                .list().getItems()) {
            var sets = admin.apps().replicaSets().inNamespace(ns).withLabelSelector(
                    d.getSpec().getSelector()).list().getItems().stream()
                    .filter(rs -> d.getMetadata().getAnnotations().get("deployment.kubernetes.io/revision")
                            .equals(rs.getMetadata().getAnnotations().get("deployment.kubernetes.io/revision")))
                    .toList();
            assertThat(sets).hasSize(1);
            hashes.put(d.getMetadata().getName(), sets.get(0).getMetadata().getLabels().get("pod-template-hash"));
        }
        return hashes;
    }

    /** The Prometheus Operator's CRDs, from its Go module: the ServiceMonitor, PodMonitor and PrometheusRule schemas. */
    private void installMonitoringCrds() throws IOException {
        Path script = Path.of(System.getProperty("local-cluster.script"));
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString(), "monitoring-crds")
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        Process process = pb.start();
        String dir = new String(process.getInputStream().readAllBytes()).strip();
        try {
            assertThat(process.waitFor()).as("cluster.sh monitoring-crds").isZero();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        for (String kind : List.of("servicemonitors", "podmonitors", "prometheusrules")) {
            Path file = Path.of(dir, "monitoring.coreos.com_" + kind + ".yaml");
            for (HasMetadata crd : admin.load(Files.newInputStream(file)).items()) {
                admin.resource(crd).fieldManager(MANAGER).forceConflicts().serverSideApply();
            }
        }
        // a CRD's status has no conditions yet in the first moments after it is created
        for (String kind : List.of("servicemonitors", "podmonitors", "prometheusrules")) {
            admin.apiextensions().v1().customResourceDefinitions().withName(kind + ".monitoring.coreos.com")
                    .waitUntilCondition(crd -> crd != null && crd.getStatus() != null
                            && crd.getStatus().getConditions() != null
                            && crd.getStatus().getConditions().stream().anyMatch(
                                    c -> "Established".equals(c.getType()) && "True".equals(c.getStatus())),
                            Duration.ofMinutes(1).toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        }
    }
}
