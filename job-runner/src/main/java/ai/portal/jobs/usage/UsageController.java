package ai.portal.jobs.usage;

import java.time.Instant;
import java.util.Locale;

import ai.portal.platform.security.CurrentUser;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

@RestController
@RequestMapping("/api/v1/usage")
@Tag(name = "usage", description = "GPU-, CPU- and memory-seconds from the workloads' Running intervals")
class UsageController {

    static final MediaType CSV = MediaType.parseMediaType("text/csv");

    private final UsageService usage;

    UsageController(UsageService usage) {
        this.usage = usage;
    }

    @GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Usage over a period, grouped by team, user or GPU type",
            description = "Members see their teams', platform admins everything. Default period: this month so far. "
                    + "The same as CSV with Accept: text/csv.")
    Flux<UsageRow> json(@AuthenticationPrincipal Jwt token,
                        @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant from,
                        @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant to,
                        @Parameter(description = "team, user or gpuType") @RequestParam(defaultValue = "team") String groupBy,
                        @Parameter(description = "Only this team") @RequestParam(required = false) String team) {
        return usage.report(CurrentUser.from(token), from, to, groupBy, team);
    }

    @GetMapping(produces = "text/csv")
    @ApiResponse(responseCode = "200", content = @Content(mediaType = "text/csv", schema = @Schema(type = "string")))
    @Operation(summary = "Usage as CSV (Accept: text/csv)")
    Mono<ResponseEntity<String>> csv(@AuthenticationPrincipal Jwt token,
                                     @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant from,
                                     @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant to,
                                     @RequestParam(defaultValue = "team") String groupBy,
                                     @RequestParam(required = false) String team) {
        return usage.report(CurrentUser.from(token), from, to, groupBy, team).collectList()
                .map(rows -> {
                    StringBuilder csv = new StringBuilder(header(groupBy)).append("\r\n");
                    for (UsageRow row : rows) {
                        csv.append(cell(row.key())).append(',').append(cell(row.team() == null ? "" : row.team()))
                                .append(',').append(number(row.gpuSeconds() / 3600.0))
                                .append(',').append(number(row.gpuSeconds()))
                                .append(',').append(number(row.cpuSeconds()))
                                .append(',').append(number(row.memoryGibSeconds()))
                                .append(',').append(number(row.runSeconds()))
                                .append(',').append(row.workloads()).append("\r\n");
                    }
                    return ResponseEntity.ok().contentType(CSV)
                            .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"usage-"
                                    + groupBy.toLowerCase(Locale.ROOT) + ".csv\"")
                            .body(csv.toString());
                });
    }

    private static String header(String groupBy) {
        String key = switch (groupBy.toLowerCase(Locale.ROOT)) {
            case "user" -> "user";
            case "gputype", "gpu-type", "gpu_type" -> "gpu_type";
            default -> "team_key";
        };
        return key + ",team,gpu_hours,gpu_seconds,cpu_seconds,memory_gib_seconds,run_seconds,workloads";
    }

    /** Quotes as RFC 4180 asks, and defuses cells a spreadsheet would run as a formula. */
    static String cell(String value) {
        String safe = !value.isEmpty() && "=+-@\t\r".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
        if (safe.contains(",") || safe.contains("\"") || safe.contains("\n") || safe.contains("\r")) {
            return '"' + safe.replace("\"", "\"\"") + '"';
        }
        return safe;
    }

    private static String number(double value) {
        return String.format(Locale.ROOT, "%.3f", value);
    }
}
