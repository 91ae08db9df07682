package ai.portal.tenant.quota;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import ai.portal.tenant.domain.Quota;
import ai.portal.tenant.domain.TeamProblems;
import ai.portal.tenant.quota.QuotaApi.QuotaSpec;
import io.fabric8.kubernetes.api.model.Quantity;

/**
 * Checks a quota as it enters the API and turns it into the domain value: every quantity must parse as a
 * Kubernetes quantity, be non-negative and below a sanity ceiling (a typo of {@code 1000Ti} should not become a
 * quota), and every GPU type must be in the catalogue. The first problem found is reported, naming its field.
 */
final class QuotaLimits {

    static final BigDecimal MAX_CPU = BigDecimal.valueOf(100_000);
    static final BigDecimal MAX_MEMORY = new BigDecimal(1L << 50);       // 1 PiB
    static final BigDecimal MAX_STORAGE = new BigDecimal(1L << 50).multiply(BigDecimal.TEN); // 10 PiB
    static final int MAX_COUNT = 10_000;
    static final int MAX_GPUS_PER_TYPE = 4_096;

    static Quota validate(QuotaSpec spec, Set<String> knownGpuTypes) {
        String cpu = quantity("cpu", spec.cpu(), MAX_CPU, "100000 cores");
        String memory = quantity("memory", spec.memory(), MAX_MEMORY, "1Pi");
        String storage = quantity("storage", spec.storage(), MAX_STORAGE, "10Pi");
        count("pvcs", spec.pvcs(), MAX_COUNT);
        count("maxNotebooks", spec.maxNotebooks(), MAX_COUNT);
        Map<String, Integer> gpus = new TreeMap<>();
        if (spec.gpus() != null) {
            for (var entry : spec.gpus().entrySet()) {
                String field = "gpus." + entry.getKey();
                if (!knownGpuTypes.contains(entry.getKey())) {
                    throw TeamProblems.invalid(field, "Unknown GPU type '" + entry.getKey() + "'. Known types: "
                            + String.join(", ", new TreeSet<>(knownGpuTypes)) + ".");
                }
                count(field, entry.getValue(), MAX_GPUS_PER_TYPE);
                if (entry.getValue() > 0) {
                    gpus.put(entry.getKey(), entry.getValue());
                }
            }
        }
        return new Quota(cpu, memory, storage, spec.pvcs(), spec.maxNotebooks(), gpus);
    }

    /** Fields of {@code wanted} that are below what the team uses now; empty when none. */
    static List<String> belowUsage(Quota wanted, Map<String, BigDecimal> usedByResource, Map<String, Integer> gpusUsed) {
        List<String> below = new ArrayList<>();
        compare(below, "cpu", wanted.cpu(), usedByResource.get("requests.cpu"));
        compare(below, "memory", wanted.memory(), usedByResource.get("requests.memory"));
        compare(below, "storage", wanted.storage(), usedByResource.get("requests.storage"));
        BigDecimal pvcs = usedByResource.get("persistentvolumeclaims");
        if (pvcs != null && BigDecimal.valueOf(wanted.pvcs()).compareTo(pvcs) < 0) {
            below.add("pvcs (in use: " + pvcs.toPlainString() + ")");
        }
        gpusUsed.forEach((type, used) -> {
            int hard = wanted.gpus().getOrDefault(type, 0);
            if (hard < used) {
                below.add("gpus." + type + " (in use: " + used + ")");
            }
        });
        return below;
    }

    private static void compare(List<String> below, String field, String wanted, BigDecimal used) {
        if (used != null && Quantity.getAmountInBytes(new Quantity(wanted)).compareTo(used) < 0) {
            below.add(field + " (in use: " + used.stripTrailingZeros().toPlainString() + ")");
        }
    }

    private static String quantity(String field, String value, BigDecimal max, String maxText) {
        BigDecimal amount;
        try {
            amount = Quantity.getAmountInBytes(Quantity.parse(value.strip()));
        } catch (RuntimeException malformed) {
            throw TeamProblems.invalid(field, "'" + value + "' is not a Kubernetes quantity (e.g. 500m, 4, 16Gi).");
        }
        if (amount.signum() < 0) {
            throw TeamProblems.invalid(field, field + " cannot be negative.");
        }
        if (amount.compareTo(max) > 0) {
            throw TeamProblems.invalid(field, field + " " + value + " is above the sanity limit of " + maxText + ".");
        }
        return value.strip();
    }

    private static void count(String field, Integer value, int max) {
        if (value == null || value < 0) {
            throw TeamProblems.invalid(field, field + " must be zero or more.");
        }
        if (value > max) {
            throw TeamProblems.invalid(field, field + " " + value + " is above the sanity limit of " + max + ".");
        }
    }

    private QuotaLimits() {
    }
}
