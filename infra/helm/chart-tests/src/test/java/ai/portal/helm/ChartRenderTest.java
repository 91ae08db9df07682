package ai.portal.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The chart rendered by Helm itself, with no cluster: lint, the values schema, and what each part renders. */
class ChartRenderTest {

    private static final List<String> SERVICES = List.of("portal-ui", "tenant-service", "job-runner",
            "logging-pipeline");
    private static final Path REPO = Helm.chart().resolve("../../..").normalize();

    private final Helm helm = Helm.offline();

    private Rendered render(String values, String... sets) {
        return Rendered.parse(helm.template("portal", "ai-portal", List.of(Helm.values(values)), sets));
    }

    @Test
    void lintsCleanWithRequiredAndProductionValues() {
        for (String values : List.of("required-values.yaml", "production-values.yaml")) {
            Helm.Result lint = helm.run("lint", "--strict", Helm.chart().toString(), "--values",
                    Helm.values(values).toString());
            assertThat(lint.exitCode()).as(lint.stdout() + lint.stderr()).isZero();
            assertThat(lint.stdout()).contains("1 chart(s) linted, 0 chart(s) failed").doesNotContain("[ERROR]");
        }
    }

    @Test
    void schemaRejectsBadValuesNamingTheField() {
        record Bad(String set, String field) {
        }
        for (Bad bad : List.of(
                new Bad("installationId=Team_A", "installationId"),
                new Bad("logCollector.mode=syslog", "mode"),
                new Bad("services.jobRunner.replicas=0", "replicas"),
                new Bad("ports.management=70000", "management"),
                new Bad("keycloak.url=sso.example.com", "url"),
                new Bad("ingress.routes[0].service=grafana", "service"),
                new Bad("servics.jobRunner.replicas=2", "servics"),
                new Bad("kueue.gpuBorrowingLimit=-1", "gpuBorrowingLimit"),
                new Bad("teamEphemeralStorage.max=lots", "max"),
                new Bad("notebooks.idle.gpuLimit=one hour", "gpuLimit"),
                new Bad("notebooks.culling.gpuThreshold=150", "gpuThreshold"),
                new Bad("notebooks.culling.gpuThreshold=0", "gpuThreshold"),
                new Bad("notebooks.culling.gpuWindow=10 minutes", "gpuWindow"),
                new Bad("catalog.gpuTypes[0].name=H 100", "name"),
                new Bad("catalog.images[0].id=Site_PyTorch", "id"))) {
            Helm.Result result = helm.run("template", "portal", Helm.chart().toString(), "--values",
                    Helm.values("required-values.yaml").toString(), "--set", bad.set());
            assertThat(result.exitCode()).as(bad.set()).isNotZero();
            assertThat(result.stderr()).as(bad.set()).contains("values don't meet the specifications of the schema")
                    .contains(bad.field());
        }
        // nothing given: the installation id is the first thing asked for
        Helm.Result none = helm.run("template", "portal", Helm.chart().toString());
        assertThat(none.exitCode()).isNotZero();
        assertThat(none.stderr()).contains("installationId");
    }

    @Test
    void everyServiceIsHardenedProbedAndSized() {
        Rendered rendered = render("required-values.yaml", "ports.management=9555");
        assertThat(rendered.ofKind("Deployment")).hasSize(4);
        for (String service : SERVICES) {
            String name = "portal-ai-portal-" + service;
            Deployment deployment = Rendered.as(rendered.one("Deployment", name::equals), Deployment.class);
            PodSpec pod = deployment.getSpec().getTemplate().getSpec();
            assertThat(pod.getServiceAccountName()).isEqualTo(name);
            assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
            assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
            Container c = pod.getContainers().get(0);
            assertThat(c.getImage()).isEqualTo("ghcr.io/ai-portal/" + service + ":0.1.0-SNAPSHOT");
            assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
            assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
            assertThat(c.getSecurityContext().getRunAsNonRoot()).isTrue();
            assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
            assertThat(c.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
            assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
            assertThat(c.getResources().getLimits()).containsKey("memory");
            // probes on the actuator's health groups, on the management port only
            assertThat(c.getPorts()).anySatisfy(p -> {
                assertThat(p.getName()).isEqualTo("management");
                assertThat(p.getContainerPort()).isEqualTo(9555);
            });
            assertProbe(c.getStartupProbe(), "/actuator/health/liveness");
            assertProbe(c.getLivenessProbe(), "/actuator/health/liveness");
            assertProbe(c.getReadinessProbe(), "/actuator/health/readiness");
            Map<String, EnvVar> env = c.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
            assertThat(env.get("PORTAL_MANAGEMENT_PORT").getValue()).isEqualTo("9555");
            assertThat(env.get("PORTAL_INSTANCE_ID").getValue()).isEqualTo("chart-test");
            // secrets only by reference
            env.values().stream().filter(e -> e.getName().matches(".*(SECRET|PASSWORD|_USER)$")).forEach(e -> {
                assertThat(e.getValue()).as(e.getName()).isNull();
                assertThat(e.getValueFrom().getSecretKeyRef()).as(e.getName()).isNotNull();
            });
            assertThat(rendered.find("PodDisruptionBudget", name)).isPresent();
            assertThat(rendered.find("HorizontalPodAutoscaler", name)).isPresent();
            assertThat(rendered.find("Service", name)).isPresent();
        }
        // CPU alone by default; with a custom metrics adapter also what makes a replica busy
        assertThat(hpaMetrics(rendered, "portal-ui")).containsExactly("Resource:cpu");
        Rendered custom = render("required-values.yaml", "monitoring.customMetrics=true");
        assertThat(hpaMetrics(custom, "portal-ui"))
                .containsExactly("Resource:cpu", "Pods:tomcat_sessions_active_current_sessions");
        assertThat(hpaMetrics(custom, "job-runner")).containsExactly("Resource:cpu", "Pods:portal_jobs_live_feeds");
        assertThat(hpaMetrics(custom, "tenant-service")).containsExactly("Resource:cpu");
        // the UI never calls the Kubernetes API: no token in its pods
        ServiceAccount ui = Rendered.as(rendered.one("ServiceAccount", "portal-ai-portal-portal-ui"::equals),
                ServiceAccount.class);
        assertThat(ui.getAutomountServiceAccountToken()).isFalse();
        // leader-elected services keep their Lease in the release namespace
        assertThat(envOf(rendered, "tenant-service")).containsEntry("PORTAL_LEASE_NAMESPACE", "ai-portal");
        assertThat(envOf(rendered, "job-runner")).containsEntry("PORTAL_JOBS_LEADER_NAMESPACE", "ai-portal");
        // teams borrow idle GPUs in the installation's cohort unless switched off
        assertThat(envOf(rendered, "tenant-service")).containsEntry("PORTAL_KUEUE_BORROWING", "true")
                .containsEntry("PORTAL_KUEUE_GPUBORROWINGLIMIT", "8");
        assertThat(envOf(render("required-values.yaml", "kueue.borrowing=false"), "tenant-service"))
                .containsEntry("PORTAL_KUEUE_BORROWING", "false");
        // every team's node-local disk: quota, container defaults and maximum
        assertThat(envOf(rendered, "tenant-service")).containsEntry("PORTAL_PROVISIONING_EPHEMERALSTORAGE_REQUESTS", "500Gi")
                .containsEntry("PORTAL_PROVISIONING_EPHEMERALSTORAGE_LIMITS", "1Ti")
                .containsEntry("PORTAL_PROVISIONING_EPHEMERALSTORAGE_DEFAULTREQUEST", "1Gi")
                .containsEntry("PORTAL_PROVISIONING_EPHEMERALSTORAGE_DEFAULTLIMIT", "10Gi")
                .containsEntry("PORTAL_PROVISIONING_EPHEMERALSTORAGE_MAX", "200Gi");
        assertThat(envOf(render("required-values.yaml", "teamEphemeralStorage.requests=2Ti"), "tenant-service"))
                .containsEntry("PORTAL_PROVISIONING_EPHEMERALSTORAGE_REQUESTS", "2Ti");
        // idle culling starts from the chart's values
        assertThat(envOf(rendered, "job-runner")).containsEntry("PORTAL_NOTEBOOKS_IDLE_GPUNOTEBOOKLIMIT", "1h")
                .containsEntry("PORTAL_NOTEBOOKS_IDLE_WARNING", "10m");
        // and when a GPU counts as idle
        assertThat(envOf(rendered, "job-runner")).containsEntry("PORTAL_NOTEBOOKS_CULLING_GPUTHRESHOLD", "10")
                .containsEntry("PORTAL_NOTEBOOKS_CULLING_GPUWINDOW", "10m");
        assertThat(envOf(render("required-values.yaml", "notebooks.culling.gpuThreshold=25"), "job-runner"))
                .containsEntry("PORTAL_NOTEBOOKS_CULLING_GPUTHRESHOLD", "25");
        // the job runner's key for notebook tokens: from a Secret the chart makes (once), or the operator's
        assertThat(secretRefOf(rendered, "job-runner", "NOTEBOOK_TOKEN_KEY"))
                .isEqualTo("portal-ai-portal-job-runner-notebook-tokens/token-key");
        assertThat(rendered.find("Secret", "portal-ai-portal-job-runner-notebook-tokens")).isPresent();
        Rendered own = render("required-values.yaml", "notebooks.tokenKey.existingSecret=my-keys",
                "notebooks.tokenKey.key=notebooks");
        assertThat(secretRefOf(own, "job-runner", "NOTEBOOK_TOKEN_KEY")).isEqualTo("my-keys/notebooks");
        assertThat(own.find("Secret", "portal-ai-portal-job-runner-notebook-tokens")).isEmpty();
        // the Roles tenant-service provisions in every team namespace for the job runner and the logging pipeline
        // are bound to this release's service accounts, each to its own
        assertThat(envOf(rendered, "tenant-service"))
                .containsEntry("PORTAL_PROVISIONING_SERVICEACCOUNTS_JOBRUNNER_NAMESPACE", "ai-portal")
                .containsEntry("PORTAL_PROVISIONING_SERVICEACCOUNTS_JOBRUNNER_NAME", "portal-ai-portal-job-runner")
                .containsEntry("PORTAL_PROVISIONING_SERVICEACCOUNTS_LOGGINGPIPELINE_NAMESPACE", "ai-portal")
                .containsEntry("PORTAL_PROVISIONING_SERVICEACCOUNTS_LOGGINGPIPELINE_NAME",
                        "portal-ai-portal-logging-pipeline")
                .doesNotContainKey("PORTAL_PROVISIONING_PORTALSERVICEACCOUNTS_0_NAME");
    }

    /**
     * The chart's ClusterRoles hold what the services read across namespaces; what they do inside team namespaces is
     * the Roles tenant-service provisions there (portal-job-runner, portal-logging-pipeline), which tenant-service
     * may write and bind by name only; an admission policy keeps the job runner's writes to its own objects.
     */
    @Test
    void clusterRolesHoldOnlyClusterWideReadsAndTenantServiceGrantsThePortalsTeamRoles() {
        Rendered rendered = render("required-values.yaml");
        ClusterRole jobs = Rendered.as(rendered.one("ClusterRole", "ai-portal-portal-ai-portal-job-runner"::equals),
                ClusterRole.class);
        ClusterRole logs = Rendered.as(rendered.one("ClusterRole",
                "ai-portal-portal-ai-portal-logging-pipeline"::equals), ClusterRole.class);
        ClusterRole tenant = Rendered.as(rendered.one("ClusterRole",
                "ai-portal-portal-ai-portal-tenant-service"::equals), ClusterRole.class);

        assertThat(jobs.getRules()).allSatisfy(rule -> assertThat(rule.getVerbs()).isSubsetOf("get", "list", "watch"));
        // its informers of model servers' Deployments and autoscalers
        assertThat(jobs.getRules()).anySatisfy(rule -> {
            assertThat(rule.getApiGroups()).containsExactly("apps");
            assertThat(rule.getResources()).contains("deployments");
        }).anySatisfy(rule -> {
            assertThat(rule.getApiGroups()).containsExactly("autoscaling");
            assertThat(rule.getResources()).containsExactly("horizontalpodautoscalers");
        });
        assertThat(logs.getRules()).allSatisfy(rule -> {
            assertThat(rule.getVerbs()).isSubsetOf("get", "list", "watch");
            assertThat(rule.getResources()).doesNotContain("pods/log", "secrets");
        });
        assertThat(tenant.getRules()).filteredOn(rule -> rule.getVerbs().contains("bind"))
                .singleElement().satisfies(rule -> assertThat(rule.getResourceNames())
                        .containsExactlyInAnyOrder("team-edit", "team-view", "portal-job-runner",
                                "portal-logging-pipeline"));

        ValidatingAdmissionPolicy scope = Rendered.as(rendered.one("ValidatingAdmissionPolicy",
                "ai-portal-portal-ai-portal-job-runner-scope"::equals), ValidatingAdmissionPolicy.class);
        assertThat(scope.getSpec().getMatchConditions()).singleElement().satisfies(c -> assertThat(c.getExpression())
                .contains("system:serviceaccount:ai-portal:portal-ai-portal-job-runner"));
        assertThat(scope.getSpec().getFailurePolicy()).isEqualTo("Fail");
        assertThat(scope.getSpec().getMatchConstraints().getResourceRules())
                .flatExtracting(rule -> rule.getResources()).contains("deployments", "horizontalpodautoscalers");
        assertThat(rendered.find("ValidatingAdmissionPolicyBinding", "ai-portal-portal-ai-portal-job-runner-scope"))
                .isPresent();
        assertThat(render("required-values.yaml", "jobRunnerScope.enabled=false")
                .find("ValidatingAdmissionPolicy", "ai-portal-portal-ai-portal-job-runner-scope")).isEmpty();
    }

    @Test
    void oneIngressHostRoutesPortalApisAndNotebooks() {
        Ingress ingress = Rendered.as(render("required-values.yaml").ofKind("Ingress").get(0), Ingress.class);
        assertThat(ingress.getSpec().getRules()).hasSize(1);
        Map<String, String> routes = ingress.getSpec().getRules().get(0).getHttp().getPaths().stream()
                .collect(Collectors.toMap(HTTPIngressPath::getPath, p -> p.getBackend().getService().getName()));
        assertThat(routes).containsEntry("/", "portal-ai-portal-portal-ui")
                .containsEntry("/notebooks", "portal-ai-portal-job-runner")
                .containsEntry("/mlflow", "portal-ai-portal-job-runner")
                .containsEntry("/api/v1/teams/[^/]+/(notebooks|jobs|workloads|capacity|tracking)",
                        "portal-ai-portal-job-runner")
                .containsEntry("/api/v1", "portal-ai-portal-tenant-service")
                .containsEntry("/api/v1/teams/[^/]+/logs", "portal-ai-portal-logging-pipeline");
    }

    @Test
    void switchablePartsAreOffByDefaultAndTheBuiltInCollectorRunsPerNode() {
        Rendered rendered = render("required-values.yaml");
        assertThat(rendered.ofKind("PrometheusRule")).isEmpty();
        assertThat(rendered.ofKind("ServiceMonitor")).isEmpty();
        assertThat(rendered.ofKind("PodMonitor")).isEmpty();
        assertThat(rendered.ofKind("ConfigMap")).isEmpty();
        DaemonSet collector = Rendered.as(rendered.ofKind("DaemonSet").get(0), DaemonSet.class);
        Container c = collector.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(c.getImage()).endsWith("/logging-pipeline:0.1.0-SNAPSHOT");
        assertThat(c.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("PORTAL_LOG_COLLECTOR_ENABLED");
            assertThat(e.getValue()).isEqualTo("true");
        });
        assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        // and the Deployment's replicas do not collect (one collector per node, not per replica)
        assertThat(envOf(rendered, "logging-pipeline")).containsEntry("PORTAL_LOG_COLLECTOR_ENABLED", "false");
    }

    @Test
    void monitoringSchedulerFluentdAndRealmComeFromTheirOneHomeInInfra() throws IOException {
        Rendered rendered = render("production-values.yaml");
        // dashboards: byte for byte the files of infra/monitoring/dashboards
        try (var files = Files.list(REPO.resolve("infra/monitoring/dashboards"))) {
            List<Path> dashboards = files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
            assertThat(dashboards).isNotEmpty();
            for (Path file : dashboards) {
                String name = file.getFileName().toString();
                GenericKubernetesResource cm = rendered.one("ConfigMap",
                        n -> n.equals("portal-ai-portal-dashboard-" + name.replace(".json", "")));
                assertThat(cm.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
                assertThat(((Map<?, ?>) cm.getAdditionalProperties().get("data")).get(name))
                        .isEqualTo(Files.readString(file).stripTrailing());
            }
        }
        // every rule group of infra/monitoring/rules, in one PrometheusRule
        List<Object> groups = new ArrayList<>();
        try (var files = Files.list(REPO.resolve("infra/monitoring/rules"))) {
            for (Path file : files.sorted().toList()) {
                groups.addAll((List<?>) Serialization.unmarshal(Files.readString(file), Map.class).get("groups"));
            }
        }
        GenericKubernetesResource rule = rendered.ofKind("PrometheusRule").get(0);
        assertThat(rule.<Object>get("spec", "groups")).isEqualTo(groups);
        assertThat(rule.getMetadata().getLabels()).containsEntry("release", "kube-prometheus-stack");
        // the scrape objects of infra/monitoring/kubernetes/monitors.yaml, scoped to this release
        GenericKubernetesResource serviceMonitor = rendered.ofKind("ServiceMonitor").get(0);
        assertThat(serviceMonitor.<Object>get("spec", "endpoints", 0, "port")).isEqualTo("management");
        assertThat(serviceMonitor.<Object>get("spec", "selector", "matchLabels"))
                .isEqualTo(Map.of("app.kubernetes.io/part-of", "ai-portal", "app.kubernetes.io/instance", "portal"));
        assertThat(rendered.ofKind("PodMonitor").get(0).<Object>get("spec", "podMetricsEndpoints", 0, "honorLabels"))
                .isEqualTo(true);
        // the second scheduler runs the shipped packing profile under its own name
        GenericKubernetesResource schedulerConfig = rendered.one("ConfigMap", n -> n.endsWith("gpu-packing-scheduler"));
        Map<?, ?> config = Serialization.unmarshal((String) ((Map<?, ?>) schedulerConfig.getAdditionalProperties()
                .get("data")).get("config.yaml"), Map.class);
        Map<?, ?> shipped = Serialization.unmarshal(
                Files.readString(REPO.resolve("infra/local-cluster/config/scheduler-gpu-packing.yaml")), Map.class);
        Map<?, ?> profile = (Map<?, ?>) ((List<?>) config.get("profiles")).get(0);
        Map<?, ?> packing = (Map<?, ?>) ((List<?>) shipped.get("profiles")).get(0);
        assertThat(profile.get("schedulerName")).isEqualTo("ai-portal-gpu-packing");
        assertThat(profile.get("pluginConfig")).isEqualTo(packing.get("pluginConfig"));
        assertThat(profile.get("plugins")).isEqualTo(packing.get("plugins"));
        // Fluentd with the config of infra/fluentd, pointed at the OpenSearch of the values
        GenericKubernetesResource fluentdConfig = rendered.one("ConfigMap", n -> n.endsWith("log-collector-fluentd"));
        assertThat(((Map<?, ?>) fluentdConfig.getAdditionalProperties().get("data")).get("fluent.conf"))
                .isEqualTo(Files.readString(REPO.resolve("infra/fluentd/fluent.conf")));
        DaemonSet fluentd = Rendered.as(rendered.ofKind("DaemonSet").get(0), DaemonSet.class);
        Map<String, String> fluentdEnv = fluentd.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()
                .stream().filter(e -> e.getValue() != null).collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
        assertThat(fluentdEnv).containsEntry("OPENSEARCH_HOST", "opensearch.logging.svc")
                .containsEntry("OPENSEARCH_PORT", "9200").containsEntry("OPENSEARCH_SCHEME", "https");
        // the realm of infra/keycloak without the demo users (Keycloak fills the placeholders from its environment)
        GenericKubernetesResource realm = rendered.one("ConfigMap", n -> n.endsWith("-realm"));
        String realmJson = (String) ((Map<?, ?>) realm.getAdditionalProperties().get("data")).get("portal-realm.json");
        Map<String, Object> imported = Serialization.unmarshal(realmJson, Map.class);
        Map<String, Object> file = Serialization.unmarshal(
                Files.readString(REPO.resolve("infra/keycloak/portal-realm.json")), Map.class);
        List<?> serviceAccounts = ((List<?>) file.get("users")).stream()
                .filter(u -> ((Map<?, ?>) u).containsKey("serviceAccountClientId")).toList();
        assertThat(serviceAccounts).isNotEmpty();
        file.put("users", serviceAccounts);
        assertThat(imported).isEqualTo(file);
        assertThat(realmJson).doesNotContain("\"credentials\"").doesNotContain("alice");
    }

    @Test
    void aChangedSettingChangesThePodTemplateSoTheDeploymentsRoll() {
        String before = checksum(render("required-values.yaml"), "job-runner");
        String after = checksum(render("required-values.yaml", "services.jobRunner.env.PORTAL_JOBS_LIMITS_MAXGPUS=4"),
                "job-runner");
        assertThat(after).isNotEqualTo(before);
    }

    @Test
    void theCataloguesStartWithTheInstallationsGpuTypesAndImages() {
        Rendered plain = render("required-values.yaml");
        assertThat(envOf(plain, "job-runner")).doesNotContainKey("SPRING_APPLICATION_JSON");
        assertThat(envOf(plain, "tenant-service")).doesNotContainKey("SPRING_APPLICATION_JSON");

        Rendered own = render("required-values.yaml",
                "catalog.gpuTypes[0].name=NVIDIA-L40S", "catalog.gpuTypes[0].displayName=NVIDIA L40S",
                "catalog.gpuTypes[0].memoryGib=48",
                "catalog.images[0].id=pytorch-site", "catalog.images[0].reference=registry.example/ml/pytorch:2.9",
                "catalog.images[0].displayName=PyTorch 2.9", "catalog.images[0].forNotebooks=true",
                "catalog.images[0].forJobs=true", "catalog.images[0].cuda=true");
        assertThat(Serialization.unmarshal(envOf(own, "tenant-service").get("SPRING_APPLICATION_JSON"), Map.class))
                .isEqualTo(Map.of("portal", Map.of("tenant", Map.of("catalog", Map.of("gpuTypes", List.of(
                        Map.of("name", "NVIDIA-L40S", "displayName", "NVIDIA L40S", "memoryGib", 48)))))));
        assertThat(Serialization.unmarshal(envOf(own, "job-runner").get("SPRING_APPLICATION_JSON"), Map.class))
                .isEqualTo(Map.of("portal", Map.of("jobs", Map.of("catalog", Map.of("images", List.of(
                        Map.of("id", "pytorch-site", "reference", "registry.example/ml/pytorch:2.9",
                                "displayName", "PyTorch 2.9", "forNotebooks", true, "forJobs", true,
                                "cuda", true)))))));
        assertThat(envOf(own, "portal-ui")).doesNotContainKey("SPRING_APPLICATION_JSON");
    }

    private static String checksum(Rendered rendered, String service) {
        Deployment d = Rendered.as(rendered.one("Deployment", ("portal-ai-portal-" + service)::equals), Deployment.class);
        return d.getSpec().getTemplate().getMetadata().getAnnotations().get("checksum/settings");
    }

    private static Map<String, String> envOf(Rendered rendered, String service) {
        Deployment d = Rendered.as(rendered.one("Deployment", ("portal-ai-portal-" + service)::equals), Deployment.class);
        return d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .filter(e -> e.getValue() != null).collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    }

    /** The service's HPA metrics as {@code type:name} ("Resource:cpu", "Pods:portal_jobs_live_feeds"). */
    private static List<String> hpaMetrics(Rendered rendered, String service) {
        var hpa = Rendered.as(rendered.one("HorizontalPodAutoscaler", ("portal-ai-portal-" + service)::equals),
                io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler.class);
        return hpa.getSpec().getMetrics().stream().map(m -> m.getType() + ":" + ("Pods".equals(m.getType())
                ? m.getPods().getMetric().getName() : m.getResource().getName())).toList();
    }

    /** {@code secret/key} an env variable of the service's container is read from. */
    private static String secretRefOf(Rendered rendered, String service, String variable) {
        Deployment d = Rendered.as(rendered.one("Deployment", ("portal-ai-portal-" + service)::equals), Deployment.class);
        var ref = d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .filter(e -> variable.equals(e.getName())).findFirst().orElseThrow().getValueFrom().getSecretKeyRef();
        return ref.getName() + "/" + ref.getKey();
    }

    private static void assertProbe(Probe probe, String path) {
        assertThat(probe).isNotNull();
        assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
        assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("management");
    }

    @Test
    void gpuFitProfileRunsAsTheSecondScheduler() throws IOException {
        Rendered rendered = render("production-values.yaml", "gpuPackingScheduler.profile=gpu-fit",
                "gpuPackingScheduler.image=registry.example/ai-portal/kube-scheduler:v1.36.3");
        GenericKubernetesResource schedulerConfig = rendered.one("ConfigMap", n -> n.endsWith("gpu-packing-scheduler"));
        Map<?, ?> config = Serialization.unmarshal((String) ((Map<?, ?>) schedulerConfig.getAdditionalProperties()
                .get("data")).get("config.yaml"), Map.class);
        Map<?, ?> shipped = Serialization.unmarshal(
                Files.readString(REPO.resolve("infra/local-cluster/config/scheduler-gpu-packing.yaml")), Map.class);
        Map<?, ?> gpuFit = ((List<?>) shipped.get("profiles")).stream().map(p -> (Map<?, ?>) p)
                .filter(p -> "gpu-fit".equals(p.get("schedulerName"))).findFirst().orElseThrow();
        Map<?, ?> profile = (Map<?, ?>) ((List<?>) config.get("profiles")).get(0);
        assertThat(profile.get("schedulerName")).isEqualTo("ai-portal-gpu-packing");
        assertThat(profile.get("plugins")).isEqualTo(gpuFit.get("plugins"));
        assertThat(profile.get("plugins")).isNotEqualTo(((Map<?, ?>) ((List<?>) shipped.get("profiles")).get(0)).get("plugins"));
    }
}
