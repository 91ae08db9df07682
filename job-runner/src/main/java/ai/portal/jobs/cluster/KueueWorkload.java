package ai.portal.jobs.cluster;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.OwnerReference;

/**
 * What the portal reads of a Kueue {@code Workload} ({@code kueue.x-k8s.io/v1beta2}): which object it stands for,
 * its queue and priority, its conditions, where it was admitted and what it asks for.
 *
 * @param ownerKind      {@code Job} or {@code StatefulSet}: the object Kueue made this Workload for (with its name
 *                       and uid as Kueue records them in the Workload's own annotations and label, which stay when
 *                       Kueue takes its owner reference away, as it does while a StatefulSet is at zero replicas)
 * @param requests       total requests of all its pods, per resource (cores, bytes, GPUs)
 * @param flavors        per resource, the ResourceFlavor the admission assigned (empty until admitted)
 * @param clusterQueue   where it was admitted (null until quota is reserved)
 */
public record KueueWorkload(String namespace, String name, String uid, String ownerKind, String ownerName,
                            String ownerUid,
                            String queueName, int priority, String priorityClass, Instant createdAt,
                            Map<String, Condition> conditions, String clusterQueue, Map<String, String> flavors,
                            Map<String, BigDecimal> requests, boolean active) {

    public static final String GROUP = "kueue.x-k8s.io";
    public static final String VERSION = "v1beta2";
    public static final String API_VERSION = GROUP + "/" + VERSION;

    /** Kueue's record, on the Workload, of the object it stands for (kind as {@code apps/v1, Kind=StatefulSet}). */
    static final String JOB_OWNER_KIND_ANNOTATION = "kueue.x-k8s.io/job-owner-gvk";
    static final String JOB_OWNER_NAME_ANNOTATION = "kueue.x-k8s.io/job-owner-name";
    static final String JOB_UID_LABEL = "kueue.x-k8s.io/job-uid";

    public static KueueWorkload of(GenericKubernetesResource resource) {
        var metadata = resource.getMetadata();
        Map<String, Object> spec = Fields.map(resource.getAdditionalProperties(), "spec");
        Map<String, Object> status = Fields.map(resource.getAdditionalProperties(), "status");
        OwnerReference owner = metadata.getOwnerReferences() == null ? null : metadata.getOwnerReferences().stream()
                .filter(reference -> Boolean.TRUE.equals(reference.getController()))
                .findFirst()
                .orElse(metadata.getOwnerReferences().isEmpty() ? null : metadata.getOwnerReferences().getFirst());
        Map<String, Condition> conditions = new LinkedHashMap<>();
        for (Object raw : Fields.list(status, "conditions")) {
            Condition condition = Condition.parse(raw);
            if (condition.type() != null) {
                conditions.put(condition.type(), condition);
            }
        }
        Map<String, String> flavors = new LinkedHashMap<>();
        for (Object assignment : Fields.list(status, "admission", "podSetAssignments")) {
            Fields.map(assignment, "flavors").forEach((resourceName, flavor) -> flavors.put(resourceName,
                    String.valueOf(flavor)));
        }
        String priorityClass = Fields.string(spec, "priorityClassRef", "name");
        Object active = Fields.at(spec, "active");
        Map<String, String> annotations = metadata.getAnnotations() == null ? Map.of() : metadata.getAnnotations();
        Map<String, String> labels = metadata.getLabels() == null ? Map.of() : metadata.getLabels();
        String recordedKind = kindOf(annotations.get(JOB_OWNER_KIND_ANNOTATION));
        String recordedName = annotations.get(JOB_OWNER_NAME_ANNOTATION);
        boolean recorded = recordedKind != null && recordedName != null;
        return new KueueWorkload(metadata.getNamespace(), metadata.getName(), metadata.getUid(),
                recorded ? recordedKind : owner == null ? null : owner.getKind(),
                recorded ? recordedName : owner == null ? null : owner.getName(),
                labels.get(JOB_UID_LABEL) != null ? labels.get(JOB_UID_LABEL) : owner == null ? null : owner.getUid(),
                Fields.string(spec, "queueName"), Fields.integer(spec, 0, "priority"), priorityClass,
                metadata.getCreationTimestamp() == null ? null : Instant.parse(metadata.getCreationTimestamp()),
                Map.copyOf(conditions), Fields.string(status, "admission", "clusterQueue"), Map.copyOf(flavors),
                requests(spec, status), !Boolean.FALSE.equals(active));
    }

    /** {@code Kind} of a {@code group/version, Kind=Kind} string as Kueue writes a GroupVersionKind; null if none. */
    static String kindOf(String gvk) {
        if (gvk == null) {
            return null;
        }
        int at = gvk.lastIndexOf("Kind=");
        return at < 0 || at + 5 >= gvk.length() ? null : gvk.substring(at + 5);
    }

    /** {@code status.resourceRequests} when Kueue filled it in, else the pod sets' requests times their counts. */
    private static Map<String, BigDecimal> requests(Map<String, Object> spec, Map<String, Object> status) {
        Map<String, BigDecimal> total = new LinkedHashMap<>();
        List<Object> computed = Fields.list(status, "resourceRequests");
        if (!computed.isEmpty()) {
            for (Object podSet : computed) {
                Fields.map(podSet, "resources").forEach((resource, amount) -> add(total, resource,
                        Fields.quantity(amount), 1));
            }
            return Map.copyOf(total);
        }
        for (Object podSet : Fields.list(spec, "podSets")) {
            int count = Fields.integer(podSet, 1, "count");
            for (Object container : Fields.list(podSet, "template", "spec", "containers")) {
                Fields.map(container, "resources", "requests").forEach((resource, amount) -> add(total, resource,
                        Fields.quantity(amount), count));
            }
        }
        return Map.copyOf(total);
    }

    private static void add(Map<String, BigDecimal> total, String resource, BigDecimal amount, int times) {
        if (amount != null) {
            total.merge(resource, amount.multiply(BigDecimal.valueOf(times)), BigDecimal::add);
        }
    }

    public Optional<Condition> condition(String type) {
        return Optional.ofNullable(conditions.get(type));
    }

    private boolean is(String type) {
        return condition(type).map(Condition::status).orElse(false);
    }

    /** Kueue reserved quota for it in a ClusterQueue. */
    public boolean quotaReserved() {
        return is("QuotaReserved");
    }

    /** Quota reserved and every admission check passed: its pods may be scheduled. */
    public boolean admitted() {
        return is("Admitted");
    }

    public boolean finished() {
        return is("Finished");
    }

    public boolean evicted() {
        return is("Evicted");
    }

    /** Waiting in its queue: not holding quota, not finished, not deactivated. */
    public boolean pending() {
        return !quotaReserved() && !finished();
    }

    /** The key the owner index uses: {@code <namespace>/<Kind>/<name>}. */
    public static String ownerKey(String namespace, String kind, String name) {
        return namespace + "/" + kind + "/" + name;
    }

    public BigDecimal request(String resource) {
        return requests.getOrDefault(resource, BigDecimal.ZERO);
    }
}
