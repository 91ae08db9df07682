package ai.portal.jobs.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;

class TrackingResourcesTest {

    static final String INSTANCE = "test-abc123";
    static final TrackingProperties SETTINGS = new TrackingProperties("ghcr.io/mlflow/mlflow:v3.17.2", "250m", "1Gi",
            "10Gi", "db.internal", 5432, "portal");

    @Test
    void theServerServesUnderTheProxysPathFromTheTeamsOwnStoreAndVolume() {
        Deployment deployment = TrackingResources.deployment("vision", INSTANCE, SETTINGS, "portal-mlflow-db-0123456789");
        assertThat(deployment.getMetadata().getNamespace()).isEqualTo("team-vision");
        assertThat(deployment.getMetadata().getName()).isEqualTo("portal-mlflow");
        assertThat(deployment.getMetadata().getLabels()).containsEntry("portal.ai/instance", INSTANCE)
                .containsEntry("portal.ai/team", "vision").containsEntry("portal.ai/component", "mlflow")
                .doesNotContainKeys("portal.ai/workload-id", "kueue.x-k8s.io/queue-name");
        var container = deployment.getSpec().getTemplate().getSpec().getContainers().getFirst();
        assertThat(container.getCommand()).containsExactly("mlflow");
        assertThat(String.join(" ", container.getArgs()))
                .contains("--workers 1")
                .contains("--static-prefix /mlflow/vision")
                .contains("--backend-store-uri postgresql+psycopg2://mlflow_vision@db.internal:5432/portal")
                .contains("--serve-artifacts")
                .contains("--artifacts-destination /mlflow/artifacts")
                .contains("--host $(POD_IP)")
                .doesNotContain("password");
        assertThat(container.getEnv()).anySatisfy(env -> {
            assertThat(env.getName()).isEqualTo("PGPASSWORD");
            assertThat(env.getValueFrom().getSecretKeyRef().getName()).isEqualTo("portal-mlflow-db-0123456789");
        });
        assertThat(container.getEnv()).as("no server jobs: ~1.7 GiB of huey consumers otherwise")
                .anySatisfy(env -> {
                    assertThat(env.getName()).isEqualTo("MLFLOW_SERVER_ENABLE_JOB_EXECUTION");
                    assertThat(env.getValue()).isEqualTo("false");
                });
        assertThat(container.getPorts()).extracting(ContainerPort::getContainerPort).containsExactly(5000);
        assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/mlflow/vision/health");
        assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(deployment.getSpec().getTemplate().getSpec().getVolumes()).singleElement().satisfies(volume ->
                assertThat(volume.getPersistentVolumeClaim().getClaimName()).isEqualTo("portal-mlflow-artifacts"));
        assertThat(deployment.getSpec().getStrategy().getType()).isEqualTo("Recreate");
    }

    @Test
    void thePodPassesPodSecurityRestricted() {
        PodSpec pod = TrackingResources.deployment("vision", INSTANCE, SETTINGS, "s").getSpec().getTemplate()
                .getSpec();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        var security = pod.getContainers().getFirst().getSecurityContext();
        assertThat(security.getAllowPrivilegeEscalation()).isFalse();
        assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
    }

    @Test
    void theServiceSelectsOnlyThisInstancesServerAndPodsGetItsClusterName() {
        Service service = TrackingResources.service("vision", INSTANCE);
        assertThat(service.getSpec().getSelector()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "portal.ai/instance", INSTANCE, "portal.ai/component", "mlflow"));
        assertThat(TrackingResources.trackingUri("vision"))
                .isEqualTo("http://portal-mlflow.team-vision.svc:5000/mlflow/vision");
        assertThat(TrackingResources.storeRole("deep-vision")).isEqualTo("mlflow_deep_vision");
    }

    @Test
    void statusSaysInPlainWordsWhetherTheServerIsStartingReadyOrFailed() {
        assertThat(TrackingStatus.of("vision", false, null, null, List.of()).state()).isEqualTo("off");
        assertThat(TrackingStatus.of("vision", false, null, null, List.of(pod(false, null))).state())
                .isEqualTo("stopping");
        assertThat(TrackingStatus.of("vision", true, null, null, List.of()).state()).isEqualTo("starting");
        TrackingStatus starting = TrackingStatus.of("vision", true, null, null, List.of(pod(false, null)));
        assertThat(starting.state()).isEqualTo("starting");
        assertThat(starting.trackingUri()).isEqualTo(TrackingResources.trackingUri("vision"));
        assertThat(TrackingStatus.of("vision", true, null, null, List.of(pod(true, null))).state()).isEqualTo("ready");
        TrackingStatus failed = TrackingStatus.of("vision", true, null, null, List.of(pod(false, "CrashLoopBackOff")));
        assertThat(failed.state()).isEqualTo("failed");
        assertThat(failed.message()).contains("CrashLoopBackOff").contains("exited with code 1");
        assertThat(failed.uiPath()).isEqualTo("/mlflow/vision/");
    }

    private static Pod pod(boolean ready, String waiting) {
        var status = new ContainerStatusBuilder().withName("mlflow").withReady(ready);
        if (waiting != null) {
            status.withState(new ContainerStateBuilder().withNewWaiting().withReason(waiting).endWaiting().build())
                    .withLastState(new ContainerStateBuilder().withNewTerminated().withExitCode(1).endTerminated()
                            .build());
        }
        return new PodBuilder().withNewMetadata().withName("portal-mlflow-1").withNamespace("team-vision")
                .endMetadata()
                .withNewSpec().withNodeName("node-1").endSpec()
                .withNewStatus().withPhase("Running")
                .addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").endCondition()
                .withContainerStatuses(status.build())
                .endStatus().build();
    }
}
