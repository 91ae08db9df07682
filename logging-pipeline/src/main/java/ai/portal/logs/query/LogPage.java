package ai.portal.logs.query;

import java.util.List;

import io.swagger.v3.oas.annotations.media.Schema;

/** A page of log lines, newest first. */
public record LogPage(
        List<LogLine> lines,
        @Schema(description = "Pass as 'after' for the next (older) page; absent on the last page", nullable = true)
        String next) {
}
