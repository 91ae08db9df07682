package ai.portal.jobs.status;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Quantity;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * What a workload asks for against what its VerticalPodAutoscaler recommends (the cluster's VPA recommender, from
 * the container's measured usage): per resource the request, the recommended target and the range the usage seen so
 * far supports, and how long that usage was measured. Pure: made from the VPA and the recommender's checkpoint as the
 * informers have them. The recommender writes a recommendation (its minimum) before it has measured anything; that
 * is not shown: a recommendation is ready once its checkpoint holds samples.
 */
@Schema(description = "Right-sizing: the requests against the VPA recommender's recommendation")
public record RightSizing(
        @Schema(description = "unavailable (no VPA recommender on this cluster), collecting (no usage measured "
                + "yet) or ready") String state,
        @Schema(description = "Per resource (cpu in cores, memory in bytes), when ready") List<Resource> resources,
        @Schema(description = "The first usage sample behind the recommendation") Instant measuredSince,
        @Schema(description = "The latest usage sample behind it") Instant measuredUntil,
        @Schema(description = "How many CPU usage samples it rests on") int samples) {

    public static final String UNAVAILABLE = "unavailable";
    public static final String COLLECTING = "collecting";
    public static final String READY = "ready";

    @Schema(description = "One resource: requested, recommended target, and the bounds of the recommendation")
    public record Resource(@Schema(description = "cpu or memory") String name,
                           @Schema(description = "The request, in cores or bytes") BigDecimal requested,
                           @Schema(description = "The recommended request") BigDecimal target,
                           @Schema(description = "Below this the container would likely be starved")
                           BigDecimal lowerBound,
                           @Schema(description = "Above this the request is likely wasted") BigDecimal upperBound) {

        /** How many times the recommended target the request is (2.0: asks twice what it needs). */
        public double overRequest() {
            return target.signum() == 0 ? 0 : requested.doubleValue() / target.doubleValue();
        }
    }

    public static RightSizing unavailable() {
        return new RightSizing(UNAVAILABLE, List.of(), null, null, 0);
    }

    private static RightSizing collecting() {
        return new RightSizing(COLLECTING, List.of(), null, null, 0);
    }

    /**
     * The recommendation for {@code container} in {@code vpa}, against the workload's requests (quantities), when
     * the recommender's {@code checkpoint} of that container says it rests on measured usage.
     */
    @SuppressWarnings("unchecked")
    public static RightSizing of(GenericKubernetesResource vpa, GenericKubernetesResource checkpoint, String container,
                                 String cpu, String memory) {
        Object status = checkpoint == null ? null : checkpoint.getAdditionalProperties().get("status");
        Map<?, ?> measured = status instanceof Map<?, ?> map ? map : Map.of();
        int samples = measured.get("totalSamplesCount") instanceof Number count ? count.intValue() : 0;
        if (samples == 0) {
            return collecting();
        }
        Object recommendations = vpa == null ? null : vpa.getAdditionalProperties().get("status");
        for (String key : List.of("recommendation", "containerRecommendations")) {
            recommendations = recommendations instanceof Map<?, ?> map ? map.get(key) : null;
        }
        if (!(recommendations instanceof List<?> list)) {
            return collecting();
        }
        for (Object entry : list) {
            if (entry instanceof Map<?, ?> recommendation && container.equals(recommendation.get("containerName"))) {
                Map<String, Object> found = (Map<String, Object>) recommendation;
                List<Resource> resources = new ArrayList<>();
                resource(found, "cpu", cpu).ifPresent(resources::add);
                resource(found, "memory", memory).ifPresent(resources::add);
                return resources.isEmpty() ? collecting() : new RightSizing(READY, List.copyOf(resources),
                        instant(measured.get("firstSampleStart")), instant(measured.get("lastSampleStart")), samples);
            }
        }
        return collecting();
    }

    private static Instant instant(Object value) {
        return value == null || String.valueOf(value).isBlank() ? null : Instant.parse(String.valueOf(value));
    }

    private static java.util.Optional<Resource> resource(Map<String, Object> recommendation, String name,
                                                         String requested) {
        BigDecimal target = amount(recommendation, "target", name);
        if (target == null || requested == null || requested.isBlank()) {
            return java.util.Optional.empty();
        }
        BigDecimal lower = amount(recommendation, "lowerBound", name);
        BigDecimal upper = amount(recommendation, "upperBound", name);
        return java.util.Optional.of(new Resource(name, Quantity.getAmountInBytes(new Quantity(requested)), target,
                lower == null ? target : lower, upper == null ? target : upper));
    }

    private static BigDecimal amount(Map<String, Object> recommendation, String bound, String name) {
        Object value = recommendation.get(bound) instanceof Map<?, ?> amounts ? amounts.get(name) : null;
        return value == null ? null : Quantity.getAmountInBytes(new Quantity(String.valueOf(value)));
    }
}
