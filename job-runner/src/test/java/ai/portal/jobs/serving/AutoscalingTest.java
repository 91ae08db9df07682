package ai.portal.jobs.serving;

import static ai.portal.jobs.serving.ServingResourcesTest.INSTANCE;
import static ai.portal.jobs.serving.ServingResourcesTest.SETTINGS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import ai.portal.platform.problem.ApiException;
import io.fabric8.kubernetes.api.model.FieldsV1;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

/** Autoscaling: the policy's validation, the HorizontalPodAutoscaler it becomes, who owns the count, status words. */
class AutoscalingTest {

    static final ModelAutoscaling RPS = new ModelAutoscaling(1, 3, null, null, new BigDecimal("2"), null, 15);
    static final ModelDeployment SCALED = new ModelDeployment("churn", "churn-classifier", 3, 1, "500m", "1Gi", 20,
            RPS);

    @Test
    void theHpaScalesTheDeploymentOnCpuMemoryAndRequestsPerSecondOfItsService() {
        ModelDeployment all = SCALED.withAutoscaling(new ModelAutoscaling(2, 5, 70, 80, new BigDecimal("2.5"), null,
                60));
        HorizontalPodAutoscaler hpa = ServingResources.autoscaler("vision", INSTANCE, all);
        assertThat(hpa.getApiVersion()).isEqualTo("autoscaling/v2");
        assertThat(hpa.getMetadata().getName()).isEqualTo("portal-model-churn");
        assertThat(hpa.getMetadata().getNamespace()).isEqualTo("team-vision");
        assertThat(hpa.getMetadata().getLabels()).containsEntry("portal.ai/instance", INSTANCE)
                .containsEntry("portal.ai/team", "vision").containsEntry("portal.ai/model-deployment", "churn");
        assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
        assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo("portal-model-churn");
        assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(2);
        assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(5);
        assertThat(hpa.getSpec().getBehavior().getScaleDown().getStabilizationWindowSeconds()).isEqualTo(60);
        List<MetricSpec> metrics = hpa.getSpec().getMetrics();
        assertThat(metrics).extracting(MetricSpec::getType).containsExactly("Resource", "Resource", "Object");
        assertThat(metrics.get(0).getResource().getName()).isEqualTo("cpu");
        assertThat(metrics.get(0).getResource().getTarget().getAverageUtilization()).isEqualTo(70);
        assertThat(metrics.get(1).getResource().getName()).isEqualTo("memory");
        var object = metrics.get(2).getObject();
        assertThat(object.getDescribedObject().getKind()).isEqualTo("Service");
        assertThat(object.getDescribedObject().getName()).isEqualTo("portal-model-churn");
        assertThat(object.getMetric().getName()).isEqualTo("portal_model_requests_per_second");
        assertThat(object.getTarget().getType()).as("divided by the replica count").isEqualTo("AverageValue");
        assertThat(object.getTarget().getAverageValue()).isEqualTo(new Quantity("2500m"));
    }

    @Test
    void gpuUtilisationIsAPodsMetricNeverAResourceOne() {
        ModelDeployment gpu = SCALED.withAutoscaling(new ModelAutoscaling(1, 2, null, null, null, 60, 300));
        MetricSpec metric = ServingResources.autoscaler("vision", INSTANCE, gpu).getSpec().getMetrics().getFirst();
        assertThat(metric.getType()).isEqualTo("Pods");
        assertThat(metric.getPods().getMetric().getName()).isEqualTo("gpu_utilization_percent");
        assertThat(metric.getPods().getTarget().getAverageValue()).isEqualTo(new Quantity("60"));
        assertThat(metric.getResource()).isNull();
    }

    @Test
    void anAutoscaledDeploymentLeavesTheReplicaCountToTheController() {
        List<HasMetadata> created = ServingResources.desired("vision", INSTANCE, SCALED, SETTINGS, true);
        assertThat(created).extracting(object -> object.getClass().getSimpleName())
                .containsExactly("Service", "PodDisruptionBudget", "Deployment", "HorizontalPodAutoscaler");
        assertThat(((Deployment) created.get(2)).getSpec().getReplicas()).as("created with its minimum").isEqualTo(1);
        Deployment later = (Deployment) ServingResources.desired("vision", INSTANCE, SCALED, SETTINGS, false).get(2);
        assertThat(later.getSpec().getReplicas()).as("then never set again").isNull();
        assertThat(Serialization.asJson(later)).doesNotContain("\"replicas\"");
        // a fixed count is always applied, and there is no HPA
        ModelDeployment fixed = SCALED.withFixedReplicas(2);
        List<HasMetadata> objects = ServingResources.desired("vision", INSTANCE, fixed, SETTINGS, false);
        assertThat(objects).hasSize(3);
        assertThat(((Deployment) objects.get(2)).getSpec().getReplicas()).isEqualTo(2);
    }

    @Test
    void theHandOverCarriesOnlyTheReplicaCountAndIsNeededOnlyWhileThePortalOwnsIt() {
        String json = Serialization.asJson(ServingResources.replicasOnly("vision", "churn", 3));
        assertThat(json).contains("\"replicas\":3").contains("\"name\":\"portal-model-churn\"")
                .doesNotContain("template", "selector", "labels");
        Deployment ours = owned("ai-portal-job-runner", "Apply", Map.of("f:replicas", Map.of(), "f:template",
                Map.of()));
        assertThat(ServingResources.ownsReplicas(ours, "ai-portal-job-runner")).isTrue();
        Deployment handedOver = owned("ai-portal-job-runner", "Apply", Map.of("f:template", Map.of()));
        assertThat(ServingResources.ownsReplicas(handedOver, "ai-portal-job-runner")).isFalse();
        Deployment controllers = owned("kube-controller-manager", "Update", Map.of("f:replicas", Map.of()));
        assertThat(ServingResources.ownsReplicas(controllers, "ai-portal-job-runner")).isFalse();
    }

    @Test
    void thePolicyIsValidatedWithTheFieldAtFault() {
        ModelAutoscaling filled = ServingValidator.autoscaling(new ModelAutoscaling(null, 3, 70, null, null, null,
                null), false, SETTINGS);
        assertThat(filled).isEqualTo(new ModelAutoscaling(1, 3, 70, null, null, null, 300));
        refused(new ModelAutoscaling(3, 2, 70, null, null, null, null), "autoscaling.maxReplicas",
                "must be at least minReplicas");
        refused(new ModelAutoscaling(1, 11, 70, null, null, null, null), "autoscaling.maxReplicas",
                "at most 10 (the platform's maximum)");
        refused(new ModelAutoscaling(1, null, 70, null, null, null, null), "autoscaling.maxReplicas", "Name the most");
        refused(new ModelAutoscaling(0, 2, 70, null, null, null, null), "autoscaling.minReplicas", "1 or more");
        refused(new ModelAutoscaling(1, 2, null, null, null, null, null), "autoscaling", "at least one target");
        refused(new ModelAutoscaling(1, 2, null, null, null, 50, null), "autoscaling.gpuUtilization",
                "needs GPUs");
        refused(new ModelAutoscaling(1, 2, 0, null, null, null, null), "autoscaling.cpuUtilization",
                "between 1 and 1000");
        refused(new ModelAutoscaling(1, 2, null, 101, null, null, null), "autoscaling.memoryUtilization",
                "between 1 and 100");
        refused(new ModelAutoscaling(1, 2, null, null, BigDecimal.ZERO, null, null), "autoscaling.requestsPerSecond",
                "above 0");
        refused(new ModelAutoscaling(1, 2, null, null, new BigDecimal("0.0001"), null, null),
                "autoscaling.requestsPerSecond", "3 decimals");
        refused(new ModelAutoscaling(1, 2, 50, null, null, null, 3601), "autoscaling.scaleDownStabilizationSeconds",
                "between 0 and 3600");
        // a GPU target where the deployment has GPUs is a Pods metric target like any other
        assertThat(ServingValidator.autoscaling(new ModelAutoscaling(1, 2, null, null, null, 50, null), true,
                SETTINGS).gpuUtilization()).isEqualTo(50);
        // a fixed count and autoscaling at once
        assertThatThrownBy(() -> ServingValidator.validate(new DeployRequest("churn", "m", "1", 2, null, null, null,
                RPS), SETTINGS)).isInstanceOfSatisfying(ApiException.class,
                problem -> assertThat(problem.getBody().getProperties()).containsEntry("field", "replicas"));
        ModelDeployment scaled = ServingValidator.validate(new DeployRequest("churn", "m", "1", null, null, null,
                null, new ModelAutoscaling(2, 4, null, null, new BigDecimal("1.50"), null, 15)), SETTINGS);
        assertThat(scaled.replicas()).as("starts with its minimum").isEqualTo(2);
        assertThat(scaled.autoscaling().requestsPerSecond()).isEqualByComparingTo("1.5");
        assertThat(ServingResources.perSecond(new BigDecimal("10"))).isEqualTo(new Quantity("10"));
        assertThat(ServingValidator.autoscaling(new ModelAutoscaling(1, 2, null, null, new BigDecimal("10.00"), null,
                null), false, SETTINGS).requestsPerSecond().toString()).as("shown back as written").isEqualTo("10");
    }

    @Test
    void theControllersConditionsAreSaidInPlainWords() {
        AutoscalingStatus none = AutoscalingStatus.of(RPS, Optional.empty());
        assertThat(none.conditions()).extracting(AutoscalingStatus.Condition::words)
                .containsExactly("waiting for the autoscaler's first reading");
        assertThat(none.metrics()).singleElement().satisfies(metric -> assertThat(metric.current()).isNull());
        // a new HPA before the controller's first sync: its status says 0 desired, which is no figure yet
        AutoscalingStatus fresh = AutoscalingStatus.of(RPS, Optional.of(new HorizontalPodAutoscalerBuilder()
                .withNewMetadata().withName("portal-model-churn").endMetadata()
                .withNewStatus().withDesiredReplicas(0).endStatus().build()));
        assertThat(fresh.desiredReplicas()).isNull();
        assertThat(fresh.conditions()).extracting(AutoscalingStatus.Condition::code).containsExactly("first-reading");

        HorizontalPodAutoscaler unavailable = hpa(1, 1, null, "ScalingActive", "False", "FailedGetObjectMetric",
                "the HPA was unable to compute the replica count: unable to get metric "
                        + "portal_model_requests_per_second: no metrics returned from custom metrics API");
        AutoscalingStatus blind = AutoscalingStatus.of(RPS, Optional.of(unavailable));
        assertThat(blind.conditions()).singleElement().satisfies(condition -> {
            assertThat(condition.code()).isEqualTo("metric-unavailable");
            assertThat(condition.metric()).isEqualTo("requestsPerSecond");
            assertThat(condition.words()).startsWith("metric unavailable: requests per second per replica (");
        });
        assertThat(blind.message()).contains("Metric unavailable");
        HorizontalPodAutoscaler undecided = hpa(1, 0, null, "ScalingActive", "False", "FailedGetResourceMetric",
                "the HPA was unable to compute the replica count: failed to get cpu utilization");
        assertThat(AutoscalingStatus.of(RPS, Optional.of(undecided)).desiredReplicas())
                .as("never decided: no figure, not 0").isNull();

        HorizontalPodAutoscaler atMax = hpa(3, 3, "6500m", "ScalingLimited", "True", "TooManyReplicas",
                "the desired replica count is more than the maximum replica count");
        AutoscalingStatus full = AutoscalingStatus.of(RPS, Optional.of(atMax));
        assertThat(full.conditions()).extracting(AutoscalingStatus.Condition::code, AutoscalingStatus.Condition::words)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("at-max-replicas",
                        "at max replicas (3): the load asks for more"));
        assertThat(full.currentReplicas()).isEqualTo(3);
        assertThat(full.metrics().getFirst().current()).isEqualByComparingTo("6.5");
        assertThat(full.message()).contains("3 now").contains("Requests per second per replica 6.5/s (target 2/s)");
        assertThat(full.lastScaleTime()).isNotNull();

        HorizontalPodAutoscaler holding = hpa(3, 3, "0", "AbleToScale", "True", "ScaleDownStabilized",
                "recent recommendations were higher than current one, applying the highest recent recommendation");
        assertThat(AutoscalingStatus.of(RPS, Optional.of(holding)).conditions())
                .extracting(AutoscalingStatus.Condition::words).containsExactly("waiting 15 s before scaling down (the load asked for more replicas within that "
                        + "window)");
    }

    private static HorizontalPodAutoscaler hpa(int current, int desired, String rps, String type, String status,
                                               String reason, String message) {
        var builder = new HorizontalPodAutoscalerBuilder().withNewMetadata().withName("portal-model-churn")
                .endMetadata().withNewStatus().withCurrentReplicas(current).withDesiredReplicas(desired)
                .withLastScaleTime("2026-11-30T20:00:00Z")
                .addNewCondition().withType(type).withStatus(status).withReason(reason).withMessage(message)
                .endCondition();
        if (rps != null) {
            builder.addNewCurrentMetric().withType("Object").withNewObject().withNewDescribedObject()
                    .withKind("Service").withName("portal-model-churn").endDescribedObject()
                    .withNewMetric().withName("portal_model_requests_per_second").endMetric()
                    .withNewCurrent().withAverageValue(new Quantity(rps)).endCurrent().endObject().endCurrentMetric();
        }
        return builder.endStatus().build();
    }

    private static Deployment owned(String manager, String operation, Map<String, Object> spec) {
        FieldsV1 fields = new FieldsV1();
        fields.setAdditionalProperty("f:spec", spec);
        return new DeploymentBuilder().withNewMetadata().withName("portal-model-churn")
                .withManagedFields(new ManagedFieldsEntryBuilder().withManager(manager).withOperation(operation)
                        .withFieldsV1(fields).build())
                .endMetadata().build();
    }

    private static void refused(ModelAutoscaling policy, String field, String detail) {
        assertThatThrownBy(() -> ServingValidator.autoscaling(policy, false, SETTINGS))
                .isInstanceOfSatisfying(ApiException.class, problem -> {
                    assertThat(problem.getStatusCode().value()).isEqualTo(400);
                    assertThat(problem.getBody().getProperties()).containsEntry("field", field);
                    assertThat(problem.getBody().getDetail()).contains(detail);
                });
    }
}
