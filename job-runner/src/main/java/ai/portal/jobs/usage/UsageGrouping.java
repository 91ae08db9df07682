package ai.portal.jobs.usage;

import java.util.Locale;

/** How usage is grouped; each names the column of {@code running_interval} it groups by. */
public enum UsageGrouping {
    TEAM("team_slug"),
    USER("owner_username"),
    GPU_TYPE("gpu_type");

    private final String column;

    UsageGrouping(String column) {
        this.column = column;
    }

    String column() {
        return column;
    }

    /** {@code team}, {@code user} or {@code gpuType}. */
    static UsageGrouping parse(String value) {
        return switch (value == null ? "team" : value.toLowerCase(Locale.ROOT)) {
            case "team" -> TEAM;
            case "user" -> USER;
            case "gputype", "gpu-type", "gpu_type" -> GPU_TYPE;
            default -> throw new IllegalArgumentException(value);
        };
    }
}
