package ai.portal.jobs.status;

import java.time.Instant;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * What a notebook's user must know about idle culling.
 *
 * @param stopAt    when the idle culler will stop the running notebook (it was warned); null when not warned
 * @param keepUntil a user's extension: not stopped for idleness before this; null when none is in force
 * @param notice    the plain words ({@code code} {@code idle-stop-warning} or {@code idle-extended}; {@code args}
 *                  {@code stopAt} / {@code keepUntil} for translation)
 */
@Schema(description = "Idle culling: when the notebook will be stopped for being idle, or until when it is kept")
public record IdleNotice(Instant stopAt, Instant keepUntil, Reason notice) {
}
