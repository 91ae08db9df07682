package ai.portal.jobs.serving;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerCondition;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricStatus;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * What the cluster's HPA controller makes of an autoscaled deployment, in plain words, from the
 * HorizontalPodAutoscaler's status in the job runner's informer (never an API call per request).
 *
 * @param currentReplicas replicas the controller counted at its last reading (null before its first)
 * @param desiredReplicas replicas it wants now (null before its first reading)
 * @param minReplicas     the policy's bounds
 * @param maxReplicas     the policy's bounds
 * @param lastScaleTime   when it last changed the replica count (null: never)
 * @param metrics         each target with the value the controller last read (null: none, the metric is unavailable)
 * @param conditions      the controller's conditions that matter to a user, each with a code and in words: "at max
 *                        replicas", "metric unavailable: …", "scaling limited: …", "waiting … before scaling
 *                        down", "cannot scale: …"
 * @param message         all of it in one sentence, in English
 */
@Schema(name = "ModelAutoscalingStatus")
public record AutoscalingStatus(Integer currentReplicas, Integer desiredReplicas, int minReplicas, int maxReplicas,
                                Instant lastScaleTime, List<MetricValue> metrics, List<Condition> conditions,
                                String message) {

    /**
     * One condition of the controller in words.
     *
     * @param code   what it is, for a translation: {@code at-max-replicas}, {@code at-min-replicas},
     *               {@code metric-unavailable}, {@code scaling-limited}, {@code scale-down-stabilized},
     *               {@code cannot-scale}, {@code scaling-disabled}, {@code first-reading}
     * @param metric the metric it is about ({@code metric-unavailable}; null otherwise)
     * @param words  the condition in plain English, with the controller's own message where it says more
     */
    @Schema(name = "ModelAutoscalingCondition")
    public record Condition(String code, String metric, String words) {

        static Condition of(String code, String words) {
            return new Condition(code, null, words);
        }

        boolean unavailable() {
            return "metric-unavailable".equals(code);
        }
    }

    /**
     * One target and its reading.
     *
     * @param metric  {@code cpuUtilization}, {@code memoryUtilization} (in % of the request),
     *                {@code requestsPerSecond} (per replica), {@code gpuUtilization} (%)
     * @param current the value read last (null: unavailable)
     * @param target  the policy's target
     */
    @Schema(name = "ModelAutoscalingMetric")
    public record MetricValue(String metric, BigDecimal current, BigDecimal target) {
    }

    static final String CPU = "cpuUtilization";
    static final String MEMORY = "memoryUtilization";
    static final String REQUESTS = "requestsPerSecond";
    static final String GPU = "gpuUtilization";

    /** The status of {@code policy} from its HPA as the informer has it (empty: not created or not seen yet). */
    static AutoscalingStatus of(ModelAutoscaling policy, Optional<HorizontalPodAutoscaler> seen) {
        var status = seen.map(HorizontalPodAutoscaler::getStatus);
        List<MetricStatus> readings = status.map(found -> found.getCurrentMetrics()).orElse(null);
        List<MetricValue> metrics = new ArrayList<>();
        if (policy.cpuUtilization() != null) {
            metrics.add(new MetricValue(CPU, resource(readings, "cpu"), BigDecimal.valueOf(policy.cpuUtilization())));
        }
        if (policy.memoryUtilization() != null) {
            metrics.add(new MetricValue(MEMORY, resource(readings, "memory"),
                    BigDecimal.valueOf(policy.memoryUtilization())));
        }
        if (policy.requestsPerSecond() != null) {
            metrics.add(new MetricValue(REQUESTS, object(readings), policy.requestsPerSecond()));
        }
        if (policy.gpuUtilization() != null) {
            metrics.add(new MetricValue(GPU, pods(readings), BigDecimal.valueOf(policy.gpuUtilization())));
        }
        Integer current = status.map(found -> found.getCurrentReplicas()).orElse(null);
        // 0 desired is what a new HPA's status says until the controller has decided once (minReplicas is 1 or
        // more): no figure yet, not "scale to zero"
        Integer desired = status.map(found -> found.getDesiredReplicas()).filter(count -> count > 0).orElse(null);
        Instant lastScale = status.map(found -> found.getLastScaleTime()).map(Instant::parse).orElse(null);
        List<HorizontalPodAutoscalerCondition> conditions = status.map(found -> found.getConditions())
                .orElse(List.of());
        List<Condition> words = conditions == null ? new ArrayList<>() : words(conditions, metrics, policy);
        boolean read = conditions != null && !conditions.isEmpty();
        if (!read) {
            // a new HPA's status says 0 desired replicas until the controller's first sync: no figure yet
            current = null;
            desired = null;
            words.add(Condition.of("first-reading", "waiting for the autoscaler's first reading"));
        }
        if (read && words.stream().noneMatch(Condition::unavailable)) {
            metrics.stream().filter(metric -> metric.current() == null).forEach(metric -> words.add(
                    new Condition("metric-unavailable", metric.metric(), "metric unavailable: "
                            + name(metric.metric()) + " (no value yet)")));
        }
        return new AutoscalingStatus(current, desired, policy.minReplicas(), policy.maxReplicas(), lastScale,
                metrics, words, message(policy, current, desired, metrics, words));
    }

    /** The controller's conditions that matter to a user, in words; the routine ones say nothing. */
    private static List<Condition> words(List<HorizontalPodAutoscalerCondition> conditions,
                                         List<MetricValue> metrics, ModelAutoscaling policy) {
        List<Condition> words = new ArrayList<>();
        for (HorizontalPodAutoscalerCondition condition : conditions) {
            String reason = String.valueOf(condition.getReason());
            String detail = condition.getMessage() == null ? "" : " (" + condition.getMessage() + ")";
            boolean isTrue = "True".equals(condition.getStatus());
            switch (condition.getType()) {
                case "ScalingActive" -> {
                    if (!isTrue) {
                        words.add(switch (reason) {
                            case "FailedGetObjectMetric" -> new Condition("metric-unavailable", REQUESTS,
                                    "metric unavailable: " + name(REQUESTS) + detail);
                            case "FailedGetPodsMetric" -> new Condition("metric-unavailable", GPU,
                                    "metric unavailable: " + name(GPU) + detail);
                            case "FailedGetResourceMetric" -> new Condition("metric-unavailable",
                                    resourceMetric(metrics), "metric unavailable: " + resourceNames(metrics) + detail);
                            case "ScalingDisabled" -> Condition.of("scaling-disabled",
                                    "scaling off: the Deployment has 0 replicas");
                            default -> new Condition("metric-unavailable", null, "metric unavailable: " + reason
                                    + detail);
                        });
                    }
                }
                case "ScalingLimited" -> {
                    if (isTrue) {
                        words.add(switch (reason) {
                            case "TooManyReplicas" -> Condition.of("at-max-replicas", "at max replicas ("
                                    + policy.maxReplicas() + "): the load asks for more");
                            case "TooFewReplicas" -> Condition.of("at-min-replicas", "at min replicas ("
                                    + policy.minReplicas() + ")");
                            default -> Condition.of("scaling-limited", "scaling limited" + detail);
                        });
                    }
                }
                case "AbleToScale" -> {
                    if (!isTrue) {
                        words.add(Condition.of("cannot-scale", "cannot scale: " + reason + detail));
                    } else if ("ScaleDownStabilized".equals(reason)) {
                        words.add(Condition.of("scale-down-stabilized", "waiting "
                                + policy.scaleDownStabilizationSeconds() + " s before scaling down (the load asked "
                                + "for more replicas within that window)"));
                    }
                }
                default -> {
                }
            }
        }
        return words;
    }

    private static String message(ModelAutoscaling policy, Integer current, Integer desired,
                                  List<MetricValue> metrics, List<Condition> conditions) {
        StringBuilder message = new StringBuilder("Autoscaling between " + policy.minReplicas() + " and "
                + policy.maxReplicas() + " replicas");
        if (current != null) {
            message.append(": ").append(current).append(" now");
            if (desired != null && !desired.equals(current)) {
                message.append(", ").append(desired).append(" wanted");
            }
        }
        message.append(".");
        List<String> readings = metrics.stream().filter(metric -> metric.current() != null)
                .map(metric -> name(metric.metric()) + " " + plain(metric.current()) + unit(metric.metric())
                        + " (target " + plain(metric.target()) + unit(metric.metric()) + ")")
                .toList();
        if (!readings.isEmpty()) {
            message.append(" ").append(Character.toUpperCase(readings.getFirst().charAt(0)))
                    .append(String.join("; ", readings).substring(1)).append(".");
        }
        if (!conditions.isEmpty()) {
            String all = String.join("; ", conditions.stream().map(Condition::words).toList());
            message.append(" ").append(Character.toUpperCase(all.charAt(0))).append(all.substring(1)).append(".");
        }
        return message.toString();
    }

    static String name(String metric) {
        return switch (metric) {
            case CPU -> "CPU utilisation";
            case MEMORY -> "memory utilisation";
            case REQUESTS -> "requests per second per replica";
            case GPU -> "GPU utilisation";
            default -> metric;
        };
    }

    private static String unit(String metric) {
        return REQUESTS.equals(metric) ? "/s" : " %";
    }

    /** The Resource metric a failed reading is about when the policy has one only (else null: either). */
    private static String resourceMetric(List<MetricValue> metrics) {
        List<String> resources = metrics.stream().map(MetricValue::metric)
                .filter(metric -> CPU.equals(metric) || MEMORY.equals(metric)).toList();
        return resources.size() == 1 ? resources.getFirst() : null;
    }

    private static String resourceNames(List<MetricValue> metrics) {
        List<String> names = metrics.stream().map(MetricValue::metric)
                .filter(metric -> CPU.equals(metric) || MEMORY.equals(metric)).map(AutoscalingStatus::name).toList();
        return names.isEmpty() ? "CPU or memory" : String.join(" and ", names);
    }

    private static BigDecimal resource(List<MetricStatus> readings, String resource) {
        return readings == null ? null : readings.stream()
                .filter(reading -> "Resource".equals(reading.getType()) && reading.getResource() != null
                        && resource.equals(reading.getResource().getName())
                        && reading.getResource().getCurrent() != null
                        && reading.getResource().getCurrent().getAverageUtilization() != null)
                .map(reading -> BigDecimal.valueOf(reading.getResource().getCurrent().getAverageUtilization()))
                .findFirst().orElse(null);
    }

    private static BigDecimal object(List<MetricStatus> readings) {
        return readings == null ? null : readings.stream()
                .filter(reading -> "Object".equals(reading.getType()) && reading.getObject() != null
                        && reading.getObject().getCurrent() != null)
                .map(reading -> reading.getObject().getCurrent().getAverageValue() != null
                        ? reading.getObject().getCurrent().getAverageValue()
                        : reading.getObject().getCurrent().getValue())
                .filter(java.util.Objects::nonNull)
                .map(AutoscalingStatus::amount).findFirst().orElse(null);
    }

    private static BigDecimal pods(List<MetricStatus> readings) {
        return readings == null ? null : readings.stream()
                .filter(reading -> "Pods".equals(reading.getType()) && reading.getPods() != null
                        && reading.getPods().getCurrent() != null
                        && reading.getPods().getCurrent().getAverageValue() != null)
                .map(reading -> amount(reading.getPods().getCurrent().getAverageValue())).findFirst().orElse(null);
    }

    private static BigDecimal amount(Quantity quantity) {
        return ServingValidator.plain(Quantity.getAmountInBytes(quantity).setScale(2, RoundingMode.HALF_UP));
    }

    private static String plain(BigDecimal value) {
        return value.stripTrailingZeros().toPlainString();
    }
}
