package ai.portal.jobs.workload;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import org.junit.jupiter.api.Test;

class WorkloadResourcesTest {

    static final String INSTANCE = "test-abc123";
    static final String A100 = "NVIDIA-A100-SXM4-80GB";

    static WorkloadRecord notebook(Desired desired, int gpus) {
        return new WorkloadRecord(UUID.fromString("7f1f3c4e-0000-4000-8000-000000000001"), "vision", "nb1",
                WorkloadKind.NOTEBOOK, "sub-alice", "alice",
                new WorkloadSpec("quay.io/jupyter/pytorch-notebook:cuda12-2025-11-10", "pytorch-cuda12", "2", "8Gi",
                        gpus > 0 ? A100 : null, gpus, "20Gi", null, null, null, null, null, Priority.NORMAL, null),
                desired, false, null, Instant.EPOCH, Instant.EPOCH, null);
    }

    static final String SECRET = "nb1-token-0123456789";

    static WorkloadRecord job(List<String> command, List<String> args) {
        return new WorkloadRecord(UUID.fromString("7f1f3c4e-0000-4000-8000-000000000002"), "vision", "train",
                WorkloadKind.JOB, "sub-alice", "alice",
                new WorkloadSpec("quay.io/jupyter/scipy-notebook:2025-11-10", "scipy", "4", "16Gi", A100, 4, null,
                        command, args, List.of(new EnvVar("EPOCHS", "3")), 3600L, 2, Priority.HIGH,
                        Map.of("sim.portal.ai/duration", "5s")),
                Desired.RUNNING, false, null, Instant.EPOCH, Instant.EPOCH, null);
    }

    @Test
    void theTeamsVariablesReachNotebooksAndJobsButAJobsOwnVariableWins() {
        Map<String, String> team = Map.of("MLFLOW_TRACKING_URI", "http://portal-mlflow.team-vision.svc:5000/mlflow/vision",
                "EPOCHS", "from-the-team");
        StatefulSet set = (StatefulSet) WorkloadResources.notebook(notebook(Desired.RUNNING, 0), INSTANCE, SECRET, team)
                .get(2);
        assertThat(set.getSpec().getTemplate().getSpec().getContainers().getFirst().getEnv())
                .extracting(io.fabric8.kubernetes.api.model.EnvVar::getName, io.fabric8.kubernetes.api.model.EnvVar::getValue)
                .contains(org.assertj.core.groups.Tuple.tuple("MLFLOW_TRACKING_URI",
                        "http://portal-mlflow.team-vision.svc:5000/mlflow/vision"));
        Job job = WorkloadResources.job(job(List.of("python", "train.py"), List.of()), INSTANCE, team);
        assertThat(job.getSpec().getTemplate().getSpec().getContainers().getFirst().getEnv())
                .extracting(io.fabric8.kubernetes.api.model.EnvVar::getName, io.fabric8.kubernetes.api.model.EnvVar::getValue)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("EPOCHS", "3"),
                        org.assertj.core.groups.Tuple.tuple("MLFLOW_TRACKING_URI",
                                "http://portal-mlflow.team-vision.svc:5000/mlflow/vision"));
    }

    @Test
    void notebookIsAStatefulSetOfOneWithServiceClaimAndTheJupyterShapeTheProcessRuntimeExpects() {
        var objects = WorkloadResources.notebook(notebook(Desired.RUNNING, 1), INSTANCE, SECRET);
        assertThat(objects).extracting(object -> object.getClass().getSimpleName())
                .containsExactly("PersistentVolumeClaim", "Service", "StatefulSet");
        StatefulSet set = (StatefulSet) objects.get(2);
        assertThat(set.getSpec().getReplicas()).isEqualTo(1);
        assertThat(set.getMetadata().getNamespace()).isEqualTo("team-vision");
        assertThat(set.getMetadata().getLabels())
                .containsEntry("kueue.x-k8s.io/queue-name", "team")
                .containsEntry("kueue.x-k8s.io/priority-class", INSTANCE + "-normal")
                .containsEntry("portal.ai/instance", INSTANCE);
        Container container = set.getSpec().getTemplate().getSpec().getContainers().getFirst();
        assertThat(container.getArgs()).containsExactly("start-notebook.py",
                "--ServerApp.base_url=/notebooks/vision/nb1/",
                "--IdentityProvider.token=$(JUPYTER_TOKEN)",
                "--ServerApp.port=8888",
                "--ServerApp.root_dir=/home/jovyan/work");
        assertThat(container.getEnv()).singleElement().satisfies(env -> {
            assertThat(env.getName()).isEqualTo("JUPYTER_TOKEN");
            assertThat(env.getValueFrom().getSecretKeyRef().getName()).isEqualTo(SECRET);
            assertThat(env.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("token");
        });
        assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/notebooks/vision/nb1/api");
        assertThat(container.getReadinessProbe().getHttpGet().getPort().getIntVal()).isEqualTo(8888);
        assertThat(container.getVolumeMounts()).singleElement()
                .satisfies(mount -> assertThat(mount.getMountPath()).isEqualTo("/home/jovyan/work"));
        assertThat(set.getSpec().getTemplate().getSpec().getVolumes()).singleElement()
                .satisfies(volume -> assertThat(volume.getPersistentVolumeClaim().getClaimName())
                        .isEqualTo("nb1-workspace"));
        PersistentVolumeClaim claim = (PersistentVolumeClaim) objects.get(0);
        assertThat(claim.getMetadata().getName()).isEqualTo("nb1-workspace");
        assertThat(claim.getSpec().getResources().getRequests().get("storage")).isEqualTo(new Quantity("20Gi"));
        Service service = (Service) objects.get(1);
        assertThat(service.getSpec().getSelector()).containsEntry("portal.ai/workload", "nb1");
        assertThat(service.getSpec().getPorts().getFirst().getPort()).isEqualTo(8888);
    }

    @Test
    void stoppedNotebookHasNoStatefulSetButKeepsItsClaimAndService() {
        var objects = WorkloadResources.notebook(notebook(Desired.STOPPED, 0), INSTANCE, SECRET);
        assertThat(objects).noneMatch(StatefulSet.class::isInstance);
        assertThat(objects.getFirst()).isInstanceOf(PersistentVolumeClaim.class);
        assertThat(objects).anyMatch(io.fabric8.kubernetes.api.model.Service.class::isInstance);
    }

    @Test
    void podsPassPodSecurityRestricted() {
        for (PodSpec pod : List.of(((StatefulSet) WorkloadResources.notebook(notebook(Desired.RUNNING, 1), INSTANCE, SECRET)
                .get(2)).getSpec().getTemplate().getSpec(), WorkloadResources.job(job(List.of(), List.of()), INSTANCE)
                .getSpec().getTemplate().getSpec())) {
            assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
            assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(1000L);
            assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
            assertThat(pod.getAutomountServiceAccountToken()).isFalse();
            for (Container container : pod.getContainers()) {
                assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
                assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
                assertThat(container.getSecurityContext().getPrivileged()).isNull();
            }
            assertThat(pod.getHostNetwork()).isNull();
            assertThat(pod.getVolumes() == null ? List.of() : pod.getVolumes())
                    .allSatisfy(volume -> assertThat(volume.getHostPath()).isNull());
        }
    }

    @Test
    void gpuPodsRequestEqualsLimitSelectTheProductAndTolerateTheTaint() {
        PodSpec pod = WorkloadResources.job(job(List.of(), List.of()), INSTANCE).getSpec().getTemplate().getSpec();
        Container container = pod.getContainers().getFirst();
        assertThat(container.getResources().getRequests().get("nvidia.com/gpu")).isEqualTo(new Quantity("4"));
        assertThat(container.getResources().getLimits().get("nvidia.com/gpu")).isEqualTo(new Quantity("4"));
        assertThat(pod.getNodeSelector()).containsEntry("nvidia.com/gpu.product", A100);
        assertThat(pod.getTolerations()).singleElement().satisfies(toleration -> {
            assertThat(toleration.getKey()).isEqualTo("nvidia.com/gpu");
            assertThat(toleration.getEffect()).isEqualTo("NoSchedule");
        });
    }

    @Test
    void cpuOnlyPodsNeitherSelectNorTolerateGpuNodes() {
        PodSpec pod = ((StatefulSet) WorkloadResources.notebook(notebook(Desired.RUNNING, 0), INSTANCE, SECRET).get(2))
                .getSpec().getTemplate().getSpec();
        assertThat(pod.getNodeSelector()).isNullOrEmpty();
        assertThat(pod.getTolerations()).isNullOrEmpty();
        assertThat(pod.getContainers().getFirst().getResources().getRequests()).doesNotContainKey("nvidia.com/gpu");
    }

    @Test
    void jobIsSuspendedForKueueWithDeadlineRetriesPriorityAndLabelsOnEveryPod() {
        Job job = WorkloadResources.job(job(List.of("python", "train.py"), List.of("--epochs", "3")), INSTANCE);
        assertThat(job.getSpec().getSuspend()).isTrue();
        assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(3600L);
        assertThat(job.getSpec().getBackoffLimit()).isEqualTo(2);
        assertThat(job.getMetadata().getLabels()).containsEntry("kueue.x-k8s.io/priority-class", INSTANCE + "-high");
        assertThat(job.getSpec().getTemplate().getSpec().getRestartPolicy()).isEqualTo("Never");
        assertThat(job.getSpec().getTemplate().getMetadata().getLabels())
                .containsEntry("portal.ai/workload", "train")
                .containsEntry("portal.ai/workload-kind", "job")
                .containsEntry("portal.ai/team", "vision")
                .containsEntry("portal.ai/owner", "sub-alice")
                .containsEntry("app.kubernetes.io/managed-by", "ai-portal")
                .containsEntry("portal.ai/instance", INSTANCE)
                .doesNotContainKey("kueue.x-k8s.io/queue-name");
        assertThat(job.getSpec().getTemplate().getMetadata().getAnnotations())
                .containsEntry("sim.portal.ai/duration", "5s");
        Container container = job.getSpec().getTemplate().getSpec().getContainers().getFirst();
        assertThat(container.getCommand()).containsExactly("python", "train.py");
        assertThat(container.getArgs()).containsExactly("--epochs", "3");
        assertThat(container.getEnv()).singleElement().satisfies(env -> {
            assertThat(env.getName()).isEqualTo("EPOCHS");
            assertThat(env.getValue()).isEqualTo("3");
        });
    }

    @Test
    void aCommandThatLooksLikePodSpecStaysOneArgument() {
        String escape = "\"], \"securityContext\": {\"privileged\": true}, \"x\": [\"";
        Job job = WorkloadResources.job(job(List.of("sh", "-c", escape), List.of("}\nhostNetwork: true")), INSTANCE);
        Container container = job.getSpec().getTemplate().getSpec().getContainers().getFirst();
        assertThat(container.getCommand()).containsExactly("sh", "-c", escape);
        assertThat(container.getArgs()).containsExactly("}\nhostNetwork: true");
        assertThat(container.getSecurityContext().getPrivileged()).isNull();
        assertThat(job.getSpec().getTemplate().getSpec().getHostNetwork()).isNull();
    }

    @Test
    void tokenSecretHoldsTheTokenUnderItsKey() {
        Secret secret = WorkloadResources.tokenSecret(notebook(Desired.RUNNING, 0), INSTANCE, SECRET, "abc");
        assertThat(secret.getMetadata().getName()).isEqualTo(SECRET);
        assertThat(secret.getStringData()).containsEntry("token", "abc");
        assertThat(secret.getMetadata().getLabels()).containsEntry("portal.ai/workload-id",
                "7f1f3c4e-0000-4000-8000-000000000001");
    }

    @Test
    void theWorkloadsSchedulerProfilePlacesItsPodsAndNoneLeavesTheClustersDefault() {
        WorkloadRecord plain = job(List.of("python", "train.py"), List.of());
        assertThat(WorkloadResources.job(plain, INSTANCE).getSpec().getTemplate().getSpec().getSchedulerName()).isNull();
        WorkloadSpec s = plain.spec();
        WorkloadRecord gpuFit = new WorkloadRecord(plain.id(), plain.team(), plain.name(), plain.kind(),
                plain.ownerSubject(), plain.ownerUsername(),
                new WorkloadSpec(s.image(), s.imageId(), s.cpu(), s.memory(), s.gpuType(), s.gpus(), s.workspaceSize(),
                        s.command(), s.args(), s.env(), s.maxRuntimeSeconds(), s.retries(), s.priority(),
                        s.annotations(), "gpu-fit"),
                plain.desired(), false, null, Instant.EPOCH, Instant.EPOCH, null);
        assertThat(WorkloadResources.job(gpuFit, INSTANCE).getSpec().getTemplate().getSpec().getSchedulerName())
                .isEqualTo("gpu-fit");
        StatefulSet set = (StatefulSet) WorkloadResources.notebook(new WorkloadRecord(notebook(Desired.RUNNING, 1).id(),
                "vision", "nb1", WorkloadKind.NOTEBOOK, "sub-alice", "alice",
                new WorkloadSpec("img", null, "1", "1Gi", A100, 1, "10Gi", null, null, null, null, null,
                        Priority.NORMAL, null, "gpu-fit"),
                Desired.RUNNING, false, null, Instant.EPOCH, Instant.EPOCH, null), INSTANCE, SECRET).get(2);
        assertThat(set.getSpec().getTemplate().getSpec().getSchedulerName()).isEqualTo("gpu-fit");
    }
}
