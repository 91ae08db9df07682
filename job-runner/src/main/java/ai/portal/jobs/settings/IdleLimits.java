package ai.portal.jobs.settings;

import java.time.Duration;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * The idle-culling limits that hold for one team's notebooks: the platform's, with what a platform admin set for the
 * team in their place.
 */
@Schema(description = "The idle-culling limits that hold for a team's notebooks")
public record IdleLimits(
        @Schema(description = "A notebook without GPUs is stopped after being idle this long (seconds)")
        long notebookIdleLimitSeconds,
        @Schema(description = "A notebook with GPUs is stopped after being idle this long (seconds)")
        long gpuNotebookIdleLimitSeconds,
        @Schema(description = "How long before the idle stop the warning comes (seconds; platform-wide)")
        long idleWarningSeconds,
        @Schema(description = "The furthest a member may extend a notebook's idle deadline, from now (seconds)")
        long maxIdleExtensionSeconds) {

    static IdleLimits of(PlatformSettings platform) {
        return new IdleLimits(platform.notebookIdleLimitSeconds(), platform.gpuNotebookIdleLimitSeconds(),
                platform.idleWarningSeconds(), platform.maxIdleExtensionSeconds());
    }

    /** These limits with the team's own in their place. */
    IdleLimits with(TeamIdleLimits team) {
        if (team == null) {
            return this;
        }
        return new IdleLimits(
                team.notebookIdleLimitSeconds() == null ? notebookIdleLimitSeconds : team.notebookIdleLimitSeconds(),
                team.gpuNotebookIdleLimitSeconds() == null ? gpuNotebookIdleLimitSeconds
                        : team.gpuNotebookIdleLimitSeconds(),
                idleWarningSeconds,
                team.maxIdleExtensionSeconds() == null ? maxIdleExtensionSeconds : team.maxIdleExtensionSeconds());
    }

    /** How long a notebook may be idle: GPU notebooks have their own, usually shorter, limit. */
    public Duration limit(boolean gpu) {
        return Duration.ofSeconds(gpu ? gpuNotebookIdleLimitSeconds : notebookIdleLimitSeconds);
    }

    public Duration warning() {
        return Duration.ofSeconds(idleWarningSeconds);
    }

    public Duration maxExtension() {
        return Duration.ofSeconds(maxIdleExtensionSeconds);
    }
}
