package ai.portal.jobs.culling;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Whether a running notebook is idle, and what the culler does about it now. Pure: the loop gathers the facts, this
 * decides. See DESIGN.md.
 *
 * <p>A notebook is active when a kernel is busy or, where GPU metrics exist for its pod, its GPU utilisation over
 * the recent window reached the threshold. Otherwise it has been idle since Jupyter's own last activity (the server's
 * {@code last_activity}: requests of its users, kernel messages, terminals). Its deadline is that plus its limit,
 * or a user's extension when later. The warning comes {@code warning} before the deadline, and the stop never
 * comes sooner than {@code warning} after the warning: a culler that first sees an idle notebook past its deadline
 * (it was down, or an admin shortened the limit) still gives the full notice.
 */
public final class IdleDecision {

    /** What the culler saw. {@code gpuUtilisation} null: no GPU metrics for the pod (Jupyter alone decides). */
    public record Facts(Instant now, Instant lastActivity, boolean kernelBusy, Double gpuUtilisation,
                        double gpuThreshold, Duration limit, Duration warning, Instant keepUntil, Instant warnedStopAt) {
        public Facts {
            Objects.requireNonNull(now);
            Objects.requireNonNull(lastActivity);
            Objects.requireNonNull(limit);
            Objects.requireNonNull(warning);
        }
    }

    /** What to do now. */
    public sealed interface Verdict {
    }

    /** In use, or idle but its warning is not due yet: no warning stands (one that stood is withdrawn). */
    public record Keep(String why) implements Verdict {
    }

    /** Warn (or move the standing warning to a new time): it will be stopped at {@code stopAt}. */
    public record Warn(Instant stopAt, Instant idleSince) implements Verdict {
    }

    /** The warning stands and its time has not come. */
    public record Warned(Instant stopAt) implements Verdict {
    }

    /** Stop it now: warned, and idle for {@code idleFor}. */
    public record Stop(Duration idleFor) implements Verdict {
    }

    private IdleDecision() {
    }

    public static Verdict decide(Facts facts) {
        if (facts.kernelBusy()) {
            return new Keep("a kernel is busy");
        }
        if (facts.gpuUtilisation() != null && facts.gpuUtilisation() >= facts.gpuThreshold()) {
            return new Keep("its GPU is in use (" + Math.round(facts.gpuUtilisation()) + " %)");
        }
        Instant now = facts.now();
        Instant idleSince = facts.lastActivity().isAfter(now) ? now : facts.lastActivity();
        Instant deadline = idleSince.plus(facts.limit());
        if (facts.keepUntil() != null && facts.keepUntil().isAfter(deadline)) {
            deadline = facts.keepUntil();
        }
        if (facts.warnedStopAt() == null) {
            if (now.isBefore(deadline.minus(facts.warning()))) {
                return new Keep("idle less than its limit");
            }
            Instant earliest = now.plus(facts.warning());
            return new Warn(deadline.isAfter(earliest) ? deadline : earliest, idleSince);
        }
        if (now.isBefore(deadline.minus(facts.warning()))) {
            // used again (or extended) since the warning, far enough from a new deadline: withdraw it
            return new Keep("used again since the warning");
        }
        Instant stopAt = deadline.isAfter(facts.warnedStopAt()) ? deadline : facts.warnedStopAt();
        if (!now.isBefore(stopAt)) {
            return new Stop(Duration.between(idleSince, now));
        }
        return stopAt.equals(facts.warnedStopAt()) ? new Warned(stopAt) : new Warn(stopAt, idleSince);
    }
}
