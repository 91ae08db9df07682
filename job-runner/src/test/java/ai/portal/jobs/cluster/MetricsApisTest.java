package ai.portal.jobs.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import ai.portal.jobs.JobRunnerTestSupport;
import ai.portal.jobs.workload.WorkloadResources;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.PodMetrics;
import org.junit.jupiter.api.Test;

/**
 * The metrics APIs the HPA controller reads are there and true, on the suite's cluster as on a real one: a team's
 * Deployment whose process burns a core shows that core in {@code metrics.k8s.io} (the node agent measures the
 * process, Prometheus scrapes it, the prometheus-adapter serves it through the API server's aggregator), and the
 * real kube-controller-manager's HPA controller scales it out on that figure. Nothing of the portal scales.
 */
class MetricsApisTest extends JobRunnerTestSupport {

    private static final String IMAGE = "quay.io/jupyter/scipy-notebook:2025-11-10";

    @Test
    void aBusyDeploymentShowsItsCpuAndTheHpaControllerScalesItOut() {
        String team = createTeam("hpa", "alice");
        String namespace = "team-" + team;
        Container burner = new ContainerBuilder(
                WorkloadResources.restrictedContainer("burn", IMAGE, "100m", "256Mi"))
                .withCommand("python", "-c", "while True: pass")
                .build();
        Map<String, String> labels = Map.of("app", "burner");
        Deployment deployment = new DeploymentBuilder()
                .withNewMetadata().withName("burner").withNamespace(namespace).withLabels(labels).endMetadata()
                .withNewSpec().withReplicas(1)
                .withNewSelector().withMatchLabels(labels).endSelector()
                .withNewTemplate().withNewMetadata().withLabels(labels).endMetadata()
                .withSpec(WorkloadResources.restrictedPod(burner, "Always"))
                .endTemplate().endSpec().build();
        kubernetes().apps().deployments().inNamespace(namespace).resource(deployment).create();

        // one core against a request of 0.1: the adapter reports it once Prometheus has two scrapes of the pod
        List<Double> cpu = await("the burner's CPU in metrics.k8s.io (cores per container)", () ->
                        kubernetes().top().pods().metrics(namespace).getItems().stream()
                                .flatMap(pod -> pod.getContainers().stream())
                                .map(c -> amount(c.getUsage().get("cpu"))).toList(),
                cores -> cores.stream().anyMatch(c -> c > 0.5), Duration.ofMinutes(3));
        assertThat(cpu).as("one container, about one core").hasSize(1).allMatch(c -> c < 1.5);
        PodMetrics measured = kubernetes().top().pods().metrics(namespace).getItems().getFirst();
        assertThat(amount(measured.getContainers().getFirst().getUsage().get("memory")))
                .as("a Python process's resident memory").isGreaterThan(1 << 20);

        HorizontalPodAutoscaler hpa = new HorizontalPodAutoscalerBuilder()
                .withNewMetadata().withName("burner").withNamespace(namespace).endMetadata()
                .withNewSpec()
                .withNewScaleTargetRef().withApiVersion("apps/v1").withKind("Deployment").withName("burner")
                .endScaleTargetRef()
                .withMinReplicas(1).withMaxReplicas(2)
                .addNewMetric().withType("Resource").withNewResource().withName("cpu")
                .withNewTarget().withType("Utilization").withAverageUtilization(50).endTarget()
                .endResource().endMetric()
                .endSpec().build();
        kubernetes().autoscaling().v2().horizontalPodAutoscalers().inNamespace(namespace).resource(hpa).create();

        await("the HPA controller to scale the burner to 2 replicas (the HPA's status)", () -> {
            Deployment now = kubernetes().apps().deployments().inNamespace(namespace).withName("burner").get();
            return now.getSpec().getReplicas() == 2 ? "scaled" : String.valueOf(kubernetes().autoscaling().v2()
                    .horizontalPodAutoscalers().inNamespace(namespace).withName("burner").get().getStatus());
        }, "scaled"::equals, Duration.ofMinutes(3));
        HorizontalPodAutoscaler status = kubernetes().autoscaling().v2().horizontalPodAutoscalers()
                .inNamespace(namespace).withName("burner").get();
        assertThat(status.getStatus().getCurrentMetrics().getFirst().getResource().getCurrent()
                .getAverageUtilization()).as("utilisation the controller read, in % of the request")
                .isGreaterThan(100);
        kubernetes().apps().deployments().inNamespace(namespace).withName("burner").delete();
    }

    /** The quantity as a plain number: cores for CPU ("1020m" is 1.02), bytes for memory. */
    private static double amount(Quantity quantity) {
        return quantity == null ? 0 : Quantity.getAmountInBytes(quantity).doubleValue();
    }
}
