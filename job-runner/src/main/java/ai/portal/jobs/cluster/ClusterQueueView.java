package ai.portal.jobs.cluster;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;

/**
 * What the portal reads of a Kueue {@code ClusterQueue}: its cohort, its quotas per flavor and resource, and how much
 * of each its admitted workloads reserve now.
 *
 * @param quotas      per flavor and resource: nominal quota and borrowing limit (null: unlimited within the cohort)
 * @param reservation per flavor and resource: what admitted workloads reserve, and how much of it is borrowed
 */
public record ClusterQueueView(String name, String cohort, Map<String, String> labels,
                               Map<FlavorResource, Quota> quotas, Map<FlavorResource, Usage> reservation,
                               int pendingWorkloads, int reservingWorkloads, boolean active, String inactiveReason) {

    public record FlavorResource(String flavor, String resource) {
    }

    public record Quota(BigDecimal nominal, BigDecimal borrowingLimit, BigDecimal lendingLimit) {
    }

    public record Usage(BigDecimal total, BigDecimal borrowed) {
        static final Usage NONE = new Usage(BigDecimal.ZERO, BigDecimal.ZERO);
    }

    public static ClusterQueueView of(GenericKubernetesResource resource) {
        Map<String, Object> spec = Fields.map(resource.getAdditionalProperties(), "spec");
        Map<String, Object> status = Fields.map(resource.getAdditionalProperties(), "status");
        Map<FlavorResource, Quota> quotas = new LinkedHashMap<>();
        for (Object group : Fields.list(spec, "resourceGroups")) {
            for (Object flavor : Fields.list(group, "flavors")) {
                String flavorName = Fields.string(flavor, "name");
                for (Object quota : Fields.list(flavor, "resources")) {
                    quotas.put(new FlavorResource(flavorName, Fields.string(quota, "name")), new Quota(
                            orZero(Fields.quantity(Fields.at(quota, "nominalQuota"))),
                            Fields.quantity(Fields.at(quota, "borrowingLimit")),
                            Fields.quantity(Fields.at(quota, "lendingLimit"))));
                }
            }
        }
        Map<FlavorResource, Usage> reservation = new LinkedHashMap<>();
        for (Object flavor : Fields.list(status, "flavorsReservation")) {
            String flavorName = Fields.string(flavor, "name");
            for (Object usage : Fields.list(flavor, "resources")) {
                reservation.put(new FlavorResource(flavorName, Fields.string(usage, "name")), new Usage(
                        orZero(Fields.quantity(Fields.at(usage, "total"))),
                        orZero(Fields.quantity(Fields.at(usage, "borrowed")))));
            }
        }
        Condition active = Fields.list(status, "conditions").stream().map(Condition::parse)
                .filter(condition -> "Active".equals(condition.type())).findFirst().orElse(null);
        String cohort = Fields.string(spec, "cohortName");
        return new ClusterQueueView(resource.getMetadata().getName(), cohort == null || cohort.isBlank() ? null : cohort,
                resource.getMetadata().getLabels() == null ? Map.of() : Map.copyOf(resource.getMetadata().getLabels()),
                Map.copyOf(quotas), Map.copyOf(reservation), Fields.integer(status, 0, "pendingWorkloads"),
                Fields.integer(status, 0, "reservingWorkloads"), active == null || active.status(),
                active == null ? "" : active.message());
    }

    /**
     * This queue with its reservation summed from the Kueue Workloads holding quota in it, as Kueue sums it: each
     * workload's requests on the flavor it was assigned per resource; what exceeds the nominal quota is borrowed.
     * Kueue writes its own sum to the queue's status in batches, seconds after an admission; the Workloads carry
     * the admission at once, and a launch check must not count a GPU as free that a running pod already holds.
     */
    public ClusterQueueView reservedBy(java.util.Collection<KueueWorkload> admitted) {
        Map<FlavorResource, BigDecimal> totals = new LinkedHashMap<>();
        for (KueueWorkload workload : admitted) {
            workload.flavors().forEach((resource, flavor) -> totals.merge(new FlavorResource(flavor, resource),
                    workload.request(resource), BigDecimal::add));
        }
        Map<FlavorResource, Usage> summed = new LinkedHashMap<>();
        totals.forEach((key, total) -> summed.put(key, new Usage(total,
                total.subtract(quota(key.flavor(), key.resource()).nominal()).max(BigDecimal.ZERO))));
        return new ClusterQueueView(name, cohort, labels, quotas, Map.copyOf(summed), pendingWorkloads,
                admitted.size(), active, inactiveReason);
    }

    public Quota quota(String flavor, String resource) {
        return quotas.getOrDefault(new FlavorResource(flavor, resource), new Quota(BigDecimal.ZERO, null, null));
    }

    public Usage reserved(String flavor, String resource) {
        return reservation.getOrDefault(new FlavorResource(flavor, resource), Usage.NONE);
    }

    /** Whether any flavor of this queue covers {@code flavor}. */
    public boolean hasFlavor(String flavor) {
        return quotas.keySet().stream().anyMatch(key -> key.flavor().equals(flavor));
    }

    private static BigDecimal orZero(BigDecimal value) {
        return value == null ? BigDecimal.ZERO : value;
    }
}
