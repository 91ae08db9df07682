package ai.portal.jobs.status;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;

import ai.portal.jobs.workload.WorkloadEvent;
import ai.portal.jobs.workload.WorkloadNames;
import ai.portal.jobs.workload.WorkloadRecord;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;

/**
 * Reads what the idle culler and a user's extension wrote on a running notebook's StatefulSet (annotations, see
 * {@code culling/DESIGN.md}) into its status: the warning "will be stopped at ..."; once the culler stopped it, its
 * {@code idle-stop} history entry says "stopped for being idle".
 */
final class IdleTexts {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private IdleTexts() {
    }

    /**
     * {@code idleStop}: the notebook's newest {@code idle-stop} history entry, if any (a stopped notebook has no
     * StatefulSet left to carry the culler's marks).
     */
    static WorkloadStatus apply(WorkloadStatus status, WorkloadRecord notebook, StatefulSet set,
                                WorkloadEvent idleStop, Instant now) {
        if ((status.phase() == Phase.STOPPED || status.phase() == Phase.STOPPING) && idleStop != null
                // the culler's stop is the notebook's last change: a later start or stop by a user is newer
                && !idleStop.at().isBefore(notebook.updatedAt().minusSeconds(60))) {
            String message = idleStop.message() == null ? "" : idleStop.message();
            int from = message.indexOf("idle for ");
            int to = message.indexOf(" (limit");
            String after = from < 0 ? "" : message.substring(from + 9, to > from ? to : message.length());
            return status.withReason(Reason.of("stopped-idle", "stopped at " + CLOCK.format(idleStop.at())
                            + " after being idle" + (after.isBlank() ? "" : " for " + after)
                            + "; the workspace is kept",
                    Map.of("stoppedAt", idleStop.at().toString(), "idleFor", after)));
        }
        if (set == null || set.getMetadata().getAnnotations() == null) {
            return status;
        }
        Map<String, String> annotations = set.getMetadata().getAnnotations();
        if (status.phase() == Phase.RUNNING) {
            Instant stopAt = instant(annotations.get(WorkloadNames.IDLE_STOP_AT_ANNOTATION));
            Instant keepUntil = instant(annotations.get(WorkloadNames.IDLE_KEEP_UNTIL_ANNOTATION));
            if (keepUntil != null && !keepUntil.isAfter(now)) {
                keepUntil = null;
            }
            if (stopAt != null && keepUntil != null && keepUntil.isAfter(stopAt)) {
                stopAt = null; // extended since the warning; the culler withdraws it on its next look
            }
            if (stopAt != null) {
                return status.withIdle(new IdleNotice(stopAt, keepUntil, Reason.of("idle-stop-warning",
                        "will be stopped at " + CLOCK.format(stopAt) + " for being idle (the workspace is kept); "
                                + "use it or extend it to keep it running", Map.of("stopAt", stopAt.toString()))));
            }
            if (keepUntil != null) {
                return status.withIdle(new IdleNotice(null, keepUntil, Reason.of("idle-extended",
                        "kept running until at least " + CLOCK.format(keepUntil) + " even when idle",
                        Map.of("keepUntil", keepUntil.toString()))));
            }
            return status;
        }
        return status;
    }

    private static Instant instant(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(text.strip());
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
