package ai.portal.jobs.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import ai.portal.jobs.workload.Desired;
import ai.portal.jobs.workload.Priority;
import ai.portal.jobs.workload.WorkloadKind;
import ai.portal.jobs.workload.WorkloadRecord;
import ai.portal.jobs.workload.WorkloadResources;
import ai.portal.jobs.workload.WorkloadSpec;
import ai.portal.platform.problem.ApiException;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import org.junit.jupiter.api.Test;

/** The model (objects of a deployment), the validation of a request and the status words: pure, no cluster. */
class ServingResourcesTest {

    static final String INSTANCE = "test-abc123";
    static final ServingProperties SETTINGS = new ServingProperties("ghcr.io/mlflow/mlflow:v3.17.2", 5, "250m",
            "768Mi", "8", "32Gi", "256Mi", 8, 20, 1000, 10, java.time.Duration.ofMinutes(5));
    static final String A100 = "NVIDIA-A100-SXM4-80GB";
    static final ModelDeployment CHURN = new ModelDeployment("churn", "churn-classifier", 3, 2, "500m", "1Gi", 20);

    @Test
    void theServerServesTheRegisteredVersionFromTheTeamsRegistryOnThePodsIp() {
        Deployment deployment = ServingResources.deployment("vision", INSTANCE, CHURN, SETTINGS);
        assertThat(deployment.getMetadata().getNamespace()).isEqualTo("team-vision");
        assertThat(deployment.getMetadata().getName()).isEqualTo("portal-model-churn");
        assertThat(deployment.getMetadata().getLabels()).containsEntry("portal.ai/instance", INSTANCE)
                .containsEntry("app.kubernetes.io/managed-by", "ai-portal")
                .containsEntry("portal.ai/team", "vision").containsEntry("portal.ai/component", "model-server")
                .containsEntry("portal.ai/model-deployment", "churn")
                .doesNotContainKeys("portal.ai/workload-id", "portal.ai/workload", "kueue.x-k8s.io/queue-name");
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
        assertThat(deployment.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal()).isZero();
        var template = deployment.getSpec().getTemplate();
        assertThat(template.getMetadata().getLabels()).containsEntry("portal.ai/model-version", "3")
                .containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels());
        var container = template.getSpec().getContainers().getFirst();
        assertThat(container.getImage()).isEqualTo("ghcr.io/mlflow/mlflow:v3.17.2");
        assertThat(container.getCommand()).containsExactly("mlflow");
        assertThat(String.join(" ", container.getArgs()))
                .isEqualTo("models serve --model-uri models:/churn-classifier/3 --env-manager local "
                        + "--host $(POD_IP) --port 8000 --workers 1");
        assertThat(container.getEnv()).anySatisfy(env -> {
            assertThat(env.getName()).isEqualTo("MLFLOW_TRACKING_URI");
            assertThat(env.getValue()).isEqualTo("http://portal-mlflow.team-vision.svc:5000/mlflow/vision");
        });
        assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/ping");
        assertThat(container.getReadinessProbe().getHttpGet().getPort().getIntVal()).isEqualTo(8000);
        assertThat(container.getResources().getRequests()).containsEntry("cpu", new Quantity("500m"))
                .containsEntry("memory", new Quantity("1Gi"));
        assertThat(container.getResources().getLimits()).containsEntry("memory", new Quantity("1Gi"));
    }

    @Test
    void theRightSizerRecommendsForTheServerContainerAndNeverActsOnIt() {
        var vpa = ServingResources.rightSizer("vision", INSTANCE, CHURN);
        assertThat(vpa.getApiVersion()).isEqualTo("autoscaling.k8s.io/v1");
        assertThat(vpa.getKind()).isEqualTo("VerticalPodAutoscaler");
        assertThat(vpa.getMetadata().getName()).isEqualTo("portal-model-churn");
        assertThat(vpa.getMetadata().getNamespace()).isEqualTo("team-vision");
        assertThat(vpa.getMetadata().getLabels()).containsEntry("portal.ai/instance", INSTANCE)
                .containsEntry("portal.ai/model-deployment", "churn");
        assertThat(vpa.getAdditionalProperties().get("spec")).isEqualTo(Map.of(
                "targetRef", Map.of("apiVersion", "apps/v1", "kind", "Deployment", "name", "portal-model-churn"),
                "updatePolicy", Map.of("updateMode", "Off"),
                "resourcePolicy", Map.of("containerPolicies", List.of(Map.of("containerName", "server",
                        "controlledResources", List.of("cpu", "memory"))))));
    }

    @Test
    void thePodPassesPodSecurityRestricted() {
        PodSpec pod = ServingResources.deployment("vision", INSTANCE, CHURN, SETTINGS).getSpec().getTemplate()
                .getSpec();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        var security = pod.getContainers().getFirst().getSecurityContext();
        assertThat(security.getAllowPrivilegeEscalation()).isFalse();
        assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
    }

    @Test
    void serviceAndBudgetSelectOnlyThisDeploymentsServersOfThisInstallation() {
        List<HasMetadata> objects = ServingResources.desired("vision", INSTANCE, CHURN, SETTINGS);
        assertThat(objects).extracting(object -> object.getClass().getSimpleName())
                .containsExactly("Service", "PodDisruptionBudget", "Deployment");
        assertThat(objects).allSatisfy(object -> {
            assertThat(object.getMetadata().getName()).isEqualTo("portal-model-churn");
            assertThat(object.getMetadata().getLabels()).containsEntry("portal.ai/instance", INSTANCE);
        });
        Map<String, String> selector = Map.of("portal.ai/instance", INSTANCE, "portal.ai/component", "model-server",
                "portal.ai/model-deployment", "churn");
        Service service = (Service) objects.get(0);
        assertThat(service.getSpec().getSelector()).containsExactlyInAnyOrderEntriesOf(selector);
        assertThat(service.getSpec().getPorts().getFirst().getTargetPort().getIntVal()).isEqualTo(8000);
        PodDisruptionBudget budget = (PodDisruptionBudget) objects.get(1);
        assertThat(budget.getSpec().getSelector().getMatchLabels()).containsExactlyInAnyOrderEntriesOf(selector);
        assertThat(budget.getSpec().getMaxUnavailable().getIntVal()).as("a drain takes one replica at a time")
                .isEqualTo(1);
    }

    @Test
    void aGpuModelServerIsAPodWithItsGpusOnTheProductsNodesExactlyAsANotebookIs() {
        ModelDeployment gpu = CHURN.withGpus(A100, 2);
        PodSpec pod = ServingResources.deployment("vision", INSTANCE, gpu, SETTINGS).getSpec().getTemplate()
                .getSpec();
        var resources = pod.getContainers().getFirst().getResources();
        assertThat(resources.getRequests()).containsEntry("nvidia.com/gpu", new Quantity("2"))
                .containsEntry("cpu", new Quantity("500m")).containsEntry("memory", new Quantity("1Gi"));
        assertThat(resources.getLimits()).as("extended resources: limit = request")
                .containsEntry("nvidia.com/gpu", new Quantity("2")).containsEntry("memory", new Quantity("1Gi"));
        assertThat(pod.getNodeSelector()).containsExactly(Map.entry("nvidia.com/gpu.product", A100));
        assertThat(pod.getTolerations()).singleElement().satisfies(toleration -> {
            assertThat(toleration.getKey()).isEqualTo("nvidia.com/gpu");
            assertThat(toleration.getEffect()).isEqualTo("NoSchedule");
        });
        // the same placement a notebook with 2 A100s gets: one definition of "a pod with N GPUs of type T"
        PodSpec notebook = WorkloadResources.notebook(notebook(A100, 2), INSTANCE, "token").stream()
                .filter(StatefulSet.class::isInstance).map(StatefulSet.class::cast)
                .findFirst().orElseThrow().getSpec().getTemplate().getSpec();
        assertThat(pod.getNodeSelector()).isEqualTo(notebook.getNodeSelector());
        assertThat(pod.getTolerations()).isEqualTo(notebook.getTolerations());
        // CPU serving neither asks for GPUs nor goes near GPU nodes
        PodSpec cpu = ServingResources.deployment("vision", INSTANCE, CHURN, SETTINGS).getSpec().getTemplate()
                .getSpec();
        assertThat(cpu.getContainers().getFirst().getResources().getRequests()).doesNotContainKey("nvidia.com/gpu");
        assertThat(cpu.getNodeSelector()).isNullOrEmpty();
        assertThat(cpu.getTolerations()).isNullOrEmpty();
    }

    @Test
    void gpusAreAskedWithTheirTypeOrNotAtAll() {
        ModelDeployment gpu = ServingValidator.validate(new DeployRequest("churn", "m", "1", 2, null, null,
                " " + A100 + " ", 1, null, null), SETTINGS);
        assertThat(gpu.gpuType()).isEqualTo(A100);
        assertThat(gpu.gpus()).isEqualTo(1);
        ModelDeployment cpu = ServingValidator.validate(new DeployRequest("churn", "m", "1", 2, null, null, null, 0,
                null, null), SETTINGS);
        assertThat(cpu.gpus()).isZero();
        assertThat(cpu.gpuType()).isNull();
        assertRefused(new DeployRequest("churn", "m", "1", 1, null, null, A100, null, null, null), "gpuType",
                "is set but gpus is 0");
        assertRefused(new DeployRequest("churn", "m", "1", 1, null, null, A100, 0, null, null), "gpuType",
                "is set but gpus is 0");
        assertRefused(new DeployRequest("churn", "m", "1", 1, null, null, null, 1, null, null), "gpuType",
                "Name the GPU type for 1 GPU(s) per replica");
        assertRefused(new DeployRequest("churn", "m", "1", 1, null, null, "A100 80GB", 1, null, null), "gpuType",
                "is not a GPU type's name");
        assertRefused(new DeployRequest("churn", "m", "1", 1, null, null, A100, -1, null, null), "gpus",
                "between 0 (CPU serving) and 8, not -1");
        assertRefused(new DeployRequest("churn", "m", "1", 1, null, null, A100, 9, null, null), "gpus",
                "between 0 (CPU serving) and 8, not 9");
        // a GPU utilisation target exactly when the replicas hold GPUs
        ModelAutoscaling onGpus = new ModelAutoscaling(1, 3, null, null, null, 60, null);
        assertThat(ServingValidator.validate(new DeployRequest("churn", "m", "1", null, null, null, A100, 1, null,
                onGpus), SETTINGS).autoscaling().gpuUtilization()).isEqualTo(60);
        assertRefused(new DeployRequest("churn", "m", "1", null, null, null, null, 0, null, onGpus),
                "autoscaling.gpuUtilization", "needs GPUs");
    }

    @Test
    void theTeamsGpuQuotaOfATypeIsReadFromItsResourceQuotaAndCountedOverItsPods() {
        var quota = new io.fabric8.kubernetes.api.model.ResourceQuotaBuilder().withNewMetadata()
                .withAnnotations(Map.of("portal.ai/gpu-quota", "{\"" + A100 + "\":4,\"Tesla-T4\":2}"))
                .endMetadata().build();
        assertThat(TeamGpuQuota.perType(java.util.Optional.of(quota))).containsExactlyInAnyOrderEntriesOf(
                Map.of(A100, 4, "Tesla-T4", 2));
        assertThat(TeamGpuQuota.perType(java.util.Optional.empty())).isEmpty();
        List<Pod> pods = List.of(gpuPod("team-vision", A100, 2), gpuPod("team-vision", A100, 1),
                gpuPod("team-vision", "Tesla-T4", 1), gpuPod("team-other", A100, 4));
        assertThat(TeamGpuQuota.held(pods, "team-vision", A100)).as("this namespace's A100s only").isEqualTo(3);
        assertThat(TeamGpuQuota.held(pods, "team-vision", "NVIDIA-H100-80GB-HBM3")).isZero();
    }

    /** A pod of the namespace as a notebook with {@code gpus} GPUs of {@code type} has it. */
    private static Pod gpuPod(String namespace, String type, int gpus) {
        StatefulSet set = WorkloadResources.notebook(notebook(type, gpus), INSTANCE, "token").stream()
                .filter(StatefulSet.class::isInstance).map(StatefulSet.class::cast).findFirst().orElseThrow();
        return new PodBuilder().withNewMetadata().withName("p").withNamespace(namespace).endMetadata()
                .withSpec(set.getSpec().getTemplate().getSpec()).build();
    }

    private static WorkloadRecord notebook(String gpuType, int gpus) {
        return new WorkloadRecord(java.util.UUID.fromString("7f1f3c4e-0000-4000-8000-000000000001"), "vision", "nb1",
                WorkloadKind.NOTEBOOK, "sub-alice", "alice",
                new WorkloadSpec("quay.io/jupyter/pytorch-notebook:cuda12-2025-11-10", "pytorch-cuda12", "2", "8Gi",
                        gpuType, gpus, "20Gi", null, null, null, null, null, Priority.NORMAL, null),
                Desired.RUNNING, false, null, java.time.Instant.EPOCH, java.time.Instant.EPOCH, null);
    }

    @Test
    void requestsAreValidatedWithTheFieldAtFault() {
        ModelDeployment defaults = ServingValidator.validate(new DeployRequest("churn", "churn-classifier", "3", null,
                null, null, null, null), SETTINGS);
        assertThat(defaults).isEqualTo(new ModelDeployment("churn", "churn-classifier", 3, 1, "250m", "768Mi", 20));
        assertRefused(new DeployRequest("Churn", "m", "1", 1, null, null, null, null), "name", "not a DNS label");
        assertRefused(new DeployRequest("churn_1", "m", "1", 1, null, null, null, null), "name", "not a DNS label");
        assertRefused(new DeployRequest("a".repeat(41), "m", "1", 1, null, null, null, null), "name", "at most 40");
        assertRefused(new DeployRequest("churn-", "m", "1", 1, null, null, null, null), "name", "not a DNS label");
        assertRefused(new DeployRequest(null, "m", "1", 1, null, null, null, null), "name", "Name the deployment");
        assertRefused(new DeployRequest("churn", " ", "1", 1, null, null, null, null), "model", "Name the registered model");
        assertRefused(new DeployRequest("churn", "a/b", "1", 1, null, null, null, null), "model", "no '/'");
        assertRefused(new DeployRequest("churn", "m", "latest", 1, null, null, null, null), "version", "not 'latest'");
        assertRefused(new DeployRequest("churn", "m", "0", 1, null, null, null, null), "version", "version number");
        assertRefused(new DeployRequest("churn", "m", "1", 0, null, null, null, null), "replicas", "between 1 and 5, not 0");
        assertRefused(new DeployRequest("churn", "m", "1", 6, null, null, null, null), "replicas", "between 1 and 5, not 6");
        assertRefused(new DeployRequest("churn", "m", "1", 1, "lots", null, null, null), "cpu", "not a Kubernetes quantity");
        assertRefused(new DeployRequest("churn", "m", "1", 1, "9", null, null, null), "cpu", "between 50m and 8");
        assertRefused(new DeployRequest("churn", "m", "1", 1, null, "128Mi", null, null), "memory", "between 256Mi and 32Gi");
        assertRefused(new DeployRequest("churn", "m", "1", 1, null, "-1Gi", null, null), "memory", "between 256Mi and 32Gi");
    }

    @Test
    void statusSaysInPlainWordsWhetherTheModelIsStartingServingOrFailing() {
        assertThat(ServingStatus.of(CHURN, List.of()).state()).isEqualTo("starting");
        ServingStatus unscheduled = ServingStatus.of(CHURN, List.of(pod(false, null, null, 3)));
        assertThat(unscheduled.state()).isEqualTo("starting");
        assertThat(unscheduled.message()).contains("waits for a node").contains("0/4 nodes are available");
        ServingStatus loading = ServingStatus.of(CHURN, List.of(pod(false, null, "node-1", 3)));
        assertThat(loading.message()).contains("downloads version 3 of churn-classifier");
        ServingStatus half = ServingStatus.of(CHURN, List.of(pod(true, null, "node-1", 3),
                pod(false, null, "node-1", 3)));
        assertThat(half.state()).isEqualTo("serving");
        assertThat(half.readyReplicas()).isEqualTo(1);
        assertThat(half.servingVersion()).isEqualTo(3);
        assertThat(half.message()).isEqualTo("Serving version 3 of churn-classifier on 1 of 2 replicas. "
                + "The others are starting.");
        ServingStatus failing = ServingStatus.of(CHURN, List.of(pod(false, "CrashLoopBackOff", "node-1", 3)));
        assertThat(failing.state()).isEqualTo("failing");
        assertThat(failing.message()).contains("CrashLoopBackOff").contains("exited with code 1");
        assertThat(failing.servingVersion()).isNull();
    }

    @Test
    void aRolloutSaysWhichVersionServesHowFarItIsAndWhyItIsStuck() {
        ModelDeployment toFour = CHURN.withVersion(4);
        // the surge replica of version 4 is loading: version 3 serves on both replicas
        ServingStatus started = ServingStatus.of(toFour, List.of(pod(true, null, "node-1", 3),
                pod(true, null, "node-1", 3), pod(false, null, "node-1", 4)));
        assertThat(started.state()).isEqualTo("serving");
        assertThat(started.servingVersion()).isEqualTo(3);
        assertThat(started.servingVersions()).containsExactly(3);
        assertThat(started.rollout()).isEqualTo("Rolling out version 4: 0 of 2 replicas updated.");
        // half way: both versions answer; the old one is what the deployment serves until the rollout is done
        ServingStatus half = ServingStatus.of(toFour, List.of(pod(true, null, "node-1", 3),
                pod(true, null, "node-1", 4)));
        assertThat(half.servingVersions()).containsExactly(3, 4);
        assertThat(half.servingVersion()).isEqualTo(3);
        assertThat(half.rollout()).startsWith("Rolling out version 4: 1 of 2 replicas updated");
        // stuck: the new server crashes; version 3 keeps serving
        ServingStatus crashing = ServingStatus.of(toFour, List.of(pod(true, null, "node-1", 3),
                pod(true, null, "node-1", 3), pod(false, "CrashLoopBackOff", "node-1", 4)));
        assertThat(crashing.state()).isEqualTo("serving");
        assertThat(crashing.rollout()).contains("stuck: The model server does not start: CrashLoopBackOff")
                .contains("Version 3 keeps serving");
        // stuck: no node for the surge replica
        ServingStatus unscheduled = ServingStatus.of(toFour, List.of(pod(true, null, "node-1", 3),
                pod(true, null, "node-1", 3), pod(false, null, null, 4)));
        assertThat(unscheduled.rollout()).contains("stuck: no node to run on (0/4 nodes are available");
        // stuck: the quota refuses the surge replica (no pod at all, only the ReplicaSet's event)
        var refused = new io.fabric8.kubernetes.api.model.EventBuilder().withReason("FailedCreate")
                .withMessage("pods \"portal-model-churn-5d8-x\" is forbidden: exceeded quota: team-quota, requested: "
                        + "requests.cpu=500m, used: requests.cpu=2, limited: requests.cpu=2")
                .withLastTimestamp("2026-11-30T17:00:00Z").build();
        ServingStatus quota = ServingStatus.of(toFour, List.of(pod(true, null, "node-1", 3),
                pod(true, null, "node-1", 3)), List.of(refused), java.time.Instant.now());
        assertThat(quota.rollout()).contains("stuck: the team's quota refuses a new replica").contains("exceeded quota");
        // stuck: running but never Ready
        var running = pod(false, null, "node-1", 4);
        running.getStatus().getContainerStatuses().getFirst().setState(new ContainerStateBuilder().withNewRunning()
                .withStartedAt("2026-11-30T17:00:00Z").endRunning().build());
        ServingStatus notReady = ServingStatus.of(toFour, List.of(pod(true, null, "node-1", 3),
                pod(true, null, "node-1", 3), running), List.of(), java.time.Instant.parse("2026-11-30T17:05:00Z"));
        assertThat(notReady.rollout()).contains("stuck: its readiness check (/ping) has failed since");
        // done
        ServingStatus done = ServingStatus.of(toFour, List.of(pod(true, null, "node-1", 4),
                pod(true, null, "node-1", 4)));
        assertThat(done.servingVersion()).isEqualTo(4);
        assertThat(done.servingVersions()).containsExactly(4);
        assertThat(done.rollout()).isNull();
        assertThat(done.message()).isEqualTo("Serving version 4 of churn-classifier on 2 of 2 replicas.");
        // a first start refused by the quota says so instead of "being created"
        ServingStatus neverStarted = ServingStatus.of(CHURN, List.of(), List.of(refused), java.time.Instant.now());
        assertThat(neverStarted.state()).isEqualTo("failing");
        assertThat(neverStarted.message()).contains("the team's quota refuses a new replica");
    }

    @Test
    void aRateLimitIsAskedWithinTheBoundsAndDefaultsToTheSetting() {
        assertThat(ServingValidator.validate(new DeployRequest("churn", "m", "1", 1, null, null, 5, null), SETTINGS)
                .rateLimit()).isEqualTo(5);
        assertRefused(new DeployRequest("churn", "m", "1", 1, null, null, 0, null), "rateLimit", "between 1 and 1000");
        assertRefused(new DeployRequest("churn", "m", "1", 1, null, null, 1001, null), "rateLimit", "not 1001");
    }

    private static void assertRefused(DeployRequest request, String field, String detail) {
        assertThatThrownBy(() -> ServingValidator.validate(request, SETTINGS))
                .isInstanceOfSatisfying(ApiException.class, problem -> {
                    assertThat(problem.getStatusCode().value()).isEqualTo(400);
                    assertThat(problem.getBody().getProperties()).containsEntry("field", field);
                    assertThat(problem.getBody().getDetail()).contains(detail);
                });
    }

    private static Pod pod(boolean ready, String waiting, String node, int version) {
        var status = new ContainerStatusBuilder().withName("server").withReady(ready);
        if (waiting != null) {
            status.withState(new ContainerStateBuilder().withNewWaiting().withReason(waiting).endWaiting().build())
                    .withLastState(new ContainerStateBuilder().withNewTerminated().withExitCode(1).endTerminated()
                            .build());
        }
        var pod = new PodBuilder().withNewMetadata().withName("portal-model-churn-abc").withNamespace("team-vision")
                .withLabels(Map.of("portal.ai/model-version", Integer.toString(version))).endMetadata()
                .withNewSpec().withNodeName(node).endSpec()
                .withNewStatus().withPhase(node == null ? "Pending" : "Running")
                .addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").endCondition();
        if (node == null) {
            pod.addNewCondition().withType("PodScheduled").withStatus("False").withReason("Unschedulable")
                    .withMessage("0/4 nodes are available: 4 Insufficient cpu").endCondition();
        } else {
            pod.withContainerStatuses(status.build());
        }
        return pod.endStatus().build();
    }
}
