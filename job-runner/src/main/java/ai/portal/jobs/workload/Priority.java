package ai.portal.jobs.workload;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * A workload's priority within its team, as one of the installation's Kueue WorkloadPriorityClasses
 * ({@code <instance>-low|normal|high}, provisioned by tenant-service).
 */
public enum Priority {
    LOW, NORMAL, HIGH;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Priority fromWire(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }

    /** The WorkloadPriorityClass name of this installation. */
    public String priorityClass(String instance) {
        return instance + "-" + wireName();
    }
}
