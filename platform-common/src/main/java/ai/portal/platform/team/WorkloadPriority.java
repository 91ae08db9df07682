package ai.portal.platform.team;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * A workload's priority within its team, as Kueue's WorkloadPriorityClass of {@link KueueNames#priorityClass}.
 * Higher values are admitted first and may preempt lower ones of the same team; across teams only quota counts.
 */
public enum WorkloadPriority {
    LOW(1000), NORMAL(2000), HIGH(3000);

    private final int value;

    WorkloadPriority(int value) {
        this.value = value;
    }

    /** The WorkloadPriorityClass's {@code value}. */
    public int value() {
        return value;
    }

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
