package ai.portal.ui.workloads;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import ai.portal.ui.backend.JobsApi.Queue;
import ai.portal.ui.backend.JobsApi.Reason;
import ai.portal.ui.backend.JobsApi.Workload;
import ai.portal.ui.i18n.Formats;
import com.vaadin.flow.component.Component;

/**
 * A workload's state in the user's words: its phase, where it waits, why (the job runner's reason code with its
 * arguments, translated; its own English words where the code has no translation), and when it should start.
 */
public final class WorkloadWords {

    public static final List<String> PHASES = List.of("Pending", "Running", "Stopping", "Stopped", "Succeeded", "Failed",
            "Cancelled", "Deleting");
    public static final List<String> STAGES = List.of("creating", "submitted", "queued", "scheduling", "starting", "blocked");

    public static final List<String> HISTORY_TYPES = List.of("phase", "admitted", "waiting", "preempted", "evicted",
            "requeued", "idle-stop");
    public static final List<String> KINDS = List.of("notebook", "job");
    public static final List<String> CONFIDENCES = List.of("high", "medium", "low", "none");
    public static final List<String> PRIORITIES = List.of("low", "normal", "high");
    public static final List<String> LOG_LEVELS = List.of("all", "error", "warn", "info", "debug");

    /** Reason codes with arguments, and the argument names in the order their message uses them. */
    public static final Map<String, List<String>> REASON_ARGUMENTS = Map.of(
            "team-quota-full", List.of("team", "used", "quota", "ahead"),
            "exceeds-quota", List.of("team", "quota"),
            "behind-others", List.of("ahead"),
            "no-node-gpus", List.of("gpuType", "gpus", "largestFree"),
            "node-held", List.of("gpuType", "gpus", "largestFree", "node"));

    /** Reason codes whose message needs no argument. */
    public static final List<String> PLAIN_REASONS = List.of("admission-checks", "cancelled", "container-config",
            "crash-loop", "creating", "creating-pod", "deactivated", "deleting", "evicted", "failed", "finishing",
            "image-pull", "job-deleted", "kueue-unavailable", "max-runtime", "namespace-quota", "pod-refused", "preempted",
            "queue-not-ready", "retries-exhausted", "running", "scheduling", "starting", "starting-readiness",
            "stopped", "stopping", "submitted", "succeeded", "unschedulable", "waiting-admission", "waiting-volume");

    private WorkloadWords() {
    }

    static String phase(Component where, Workload workload) {
        String phase = where.getTranslation("phase." + workload.phase());
        if (workload.status() != null && workload.status().stage() != null && "Pending".equals(workload.phase())) {
            return phase + " · " + where.getTranslation("stage." + workload.status().stage());
        }
        return phase;
    }

    static String reason(Component where, Workload workload) {
        return workload.status() == null ? "" : reason(where, workload.status().reason());
    }

    static String reason(Component where, Reason reason) {
        if (reason == null) {
            return "";
        }
        if ("stopped-idle".equals(reason.code()) && !isEnglish(where) && reason.args().get("stoppedAt") != null) {
            return where.getTranslation("reason.stopped-idle",
                    Formats.dateTime(Instant.parse(String.valueOf(reason.args().get("stoppedAt")))),
                    String.valueOf(reason.args().getOrDefault("idleFor", "")));
        }
        if (isEnglish(where) && reason.text() != null && !reason.text().isBlank()) {
            return reason.text(); // the job runner's own words say more (GPU type, node, what Kueue said)
        }
        List<String> names = REASON_ARGUMENTS.get(reason.code());
        if (names != null && names.stream().allMatch(reason.args()::containsKey)) {
            Object[] values = names.stream().map(reason.args()::get).toArray();
            return where.getTranslation("reason." + reason.code(), values);
        }
        if (PLAIN_REASONS.contains(reason.code())) {
            return where.getTranslation("reason." + reason.code());
        }
        return reason.text() == null ? "" : reason.text();
    }

    /**
     * "Will be stopped at 15:12 for being idle" once the idle culler warned, "Kept running until 17:00 even when idle"
     * while an extension holds; empty otherwise.
     */
    static String idle(Component where, Workload workload) {
        var idle = workload.status() == null ? null : workload.status().idle();
        if (idle == null || !"Running".equals(workload.phase())) {
            return "";
        }
        if (idle.stopAt() != null) {
            return where.getTranslation("idle.warning", Formats.dateTime(idle.stopAt()),
                    Formats.duration(Duration.between(Instant.now(), idle.stopAt())));
        }
        return idle.keepUntil() == null ? "" : where.getTranslation("idle.kept", Formats.dateTime(idle.keepUntil()));
    }

    /** "#2 in the team · starts in about 35 min (medium confidence)"; empty when it does not wait in the queue. */
    static String queue(Component where, Workload workload) {
        Queue queue = workload.status() == null ? null : workload.status().queue();
        if (queue == null) {
            return "";
        }
        StringBuilder text = new StringBuilder();
        if (queue.positionInTeam() != null) {
            text.append(where.getTranslation("queue.position", queue.positionInTeam()));
        }
        if (queue.estimatedStart() != null) {
            if (!text.isEmpty()) {
                text.append(" · ");
            }
            Duration wait = Duration.between(Instant.now(), queue.estimatedStart());
            text.append(where.getTranslation("queue.eta", Formats.duration(wait),
                    Formats.dateTime(queue.estimatedStart()),
                    where.getTranslation("confidence." + (queue.confidence() == null ? "none" : queue.confidence()))));
        } else if (queue.positionInTeam() != null) {
            text.append(" · ").append(where.getTranslation("queue.no-eta"));
        }
        return text.toString();
    }

    static String resources(Component where, Workload workload) {
        var spec = workload.spec();
        if (spec == null) {
            return "";
        }
        String gpus = spec.gpus() == 0 || spec.gpuType() == null ? where.getTranslation("workload.no-gpu")
                : where.getTranslation("workload.gpus-of-type", spec.gpus(), spec.gpuType());
        return where.getTranslation("workload.resources", gpus, spec.cpu(), spec.memory());
    }

    /**
     * A scheduler profile as the launch dialog and the workload page name it: the platform's two in words, any other
     * profile an administrator allowed by its name.
     */
    static String placement(Component where, String schedulerName) {
        return switch (schedulerName) {
            case "default-scheduler" -> where.getTranslation("placement.default-scheduler");
            case "gpu-fit" -> where.getTranslation("placement.gpu-fit");
            default -> schedulerName;
        };
    }

    /** Launch check problems whose code the bundles say in other languages; the job runner's words otherwise. */
    public static final List<String> CHECK_CODES = List.of("no-node-room", "unknown-gpu-type", "larger-than-any-node",
            "no-node-gpus", "team-quota-full", "max-notebooks", "exceeds-quota", "archived");

    static String checkProblem(Component where, ai.portal.ui.backend.JobsApi.CheckProblem problem) {
        if (!isEnglish(where) && CHECK_CODES.contains(problem.code())) {
            return where.getTranslation("check." + problem.code());
        }
        return problem.text();
    }

    private static boolean isEnglish(Component where) {
        return "en".equals(Formats.locale().getLanguage());
    }
}
