package ai.portal.jobs.audit;

import java.time.Instant;
import java.util.Locale;

import ai.portal.platform.problem.ApiException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;

@RestController
@RequestMapping("/api/v1/audit")
@Tag(name = "audit", description = "Who launched, stopped or changed what in the job runner, for platform admins")
@Validated
class AuditController {

    private final AuditLog audit;

    AuditController(AuditLog audit) {
        this.audit = audit;
    }

    @GetMapping
    @PreAuthorize("hasRole('platform-admin')")
    @Operation(summary = "Audit events, newest first",
            description = "Filter by team, actor username, action (e.g. notebook.create), outcome and time")
    Flux<AuditEvent> events(@RequestParam(required = false) String team,
                            @RequestParam(required = false) String actor,
                            @RequestParam(required = false) String action,
                            @RequestParam(required = false) String outcome,
                            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant from,
                            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant to,
                            @RequestParam(defaultValue = "0") @Min(0) int page,
                            @RequestParam(defaultValue = "50") @Min(1) @Max(500) int size) {
        return audit.find(new AuditLog.AuditQuery(team, actor, action, outcome(outcome), from, to, page, size));
    }

    private static AuditEvent.Outcome outcome(String value) {
        if (value == null) {
            return null;
        }
        try {
            return AuditEvent.Outcome.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "Invalid request",
                    "outcome must be one of success, denied, rejected, failed").withField("outcome");
        }
    }
}
