package ai.portal.logs.metrics;

import java.util.regex.Pattern;

import ai.portal.platform.security.CurrentUser;
import ai.portal.platform.team.TeamAuthorizer;
import ai.portal.platform.team.TeamGrant;
import ai.portal.platform.team.TeamPermission;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springdoc.core.annotations.ParameterObject;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * GPU metrics of a workload, a team, or (platform admins) the whole cluster: charts, the GPUs now, and GPUs that
 * are allocated but idle. A team's data needs view access to the team (the same check as its logs); the fleet's a
 * platform admin. The idle culler and the queue's ETA of the job runner read the same endpoints.
 */
@RestController
@RequestMapping("/api/v1")
@Tag(name = "gpu-metrics", description = "GPU utilisation, memory, power and temperature from Prometheus "
        + "(NVIDIA dcgm-exporter), scoped to what the caller may see")
@ApiResponse(responseCode = "503", description = "Metrics unavailable: no Prometheus configured, or it does not answer")
@ApiResponse(responseCode = "422", description = "Query too heavy: range, points or series over the limits, or "
        + "Prometheus' own sample limit or timeout; the detail says how to narrow it")
public class GpuMetricsController {

    /** A workload name as the job runner makes them (a DNS-1035 label); anything else names no workload. */
    private static final Pattern WORKLOAD = Pattern.compile("[a-z]([-a-z0-9]{0,61}[a-z0-9])?");

    private final TeamAuthorizer access;
    private final GpuMetrics metrics;
    private final MetricsProperties properties;

    public GpuMetricsController(TeamAuthorizer access, GpuMetrics metrics, MetricsProperties properties) {
        this.access = access;
        this.metrics = metrics;
        this.properties = properties;
    }

    // ---- one workload ----------------------------------------------------------------------------------------

    @GetMapping("/teams/{team}/workloads/{workload}/gpu-metrics")
    @Operation(summary = "Chart of a workload's GPUs", description = "One series per GPU of the workload's pods "
            + "(live and recently deleted) and signal, on one time grid. Each point summarises its step (mean "
            + "utilisation and power, peak memory and temperature).")
    @ApiResponse(responseCode = "404", description = "No such team, or the caller is not in it (alike on purpose)")
    public Mono<GpuApi.SeriesPage> workloadSeries(@AuthenticationPrincipal Jwt token, @PathVariable String team,
                                                  @PathVariable String workload, @ParameterObject ChartQuery query) {
        return namespaceOf(team, token).flatMap(namespace -> metrics.series(
                metrics.workload(namespace, workloadName(workload)), query.signalSet(),
                query.resolution(properties, metrics.now())));
    }

    @GetMapping("/teams/{team}/workloads/{workload}/gpu-metrics/current")
    @Operation(summary = "A workload's GPUs now", description = "Utilisation, memory, power, temperature and last XID "
            + "error of every GPU the workload's pods hold.")
    public Mono<GpuApi.GpusNow> workloadNow(@AuthenticationPrincipal Jwt token, @PathVariable String team,
                                            @PathVariable String workload) {
        return namespaceOf(team, token).flatMap(namespace ->
                metrics.gpusNow(metrics.workload(namespace, workloadName(workload))));
    }

    @GetMapping("/teams/{team}/workloads/{workload}/gpu-metrics/idle")
    @Operation(summary = "Is a workload's GPU idle?", description = "Its GPUs held by the same pod for the whole period "
            + "without reaching the threshold; idle=true when it holds GPUs and all of them are idle (what the idle "
            + "culler asks). A workload that holds no GPU is never idle here.")
    public Mono<GpuApi.IdleReport> workloadIdle(@AuthenticationPrincipal Jwt token, @PathVariable String team,
                                                @PathVariable String workload, @ParameterObject IdleQuery query) {
        double threshold = query.thresholdPercent(properties.idle());
        var period = query.periodOrDefault(properties.idle());
        return namespaceOf(team, token).flatMap(namespace ->
                metrics.idle(metrics.workload(namespace, workloadName(workload)), threshold, period));
    }

    // ---- one team --------------------------------------------------------------------------------------------

    @GetMapping("/teams/{team}/gpu-metrics")
    @Operation(summary = "Chart of a team's GPUs", description = "One series per pod holding GPUs (with its workload) "
            + "and signal; gpusAllocated counts the GPUs each pod holds.")
    @ApiResponse(responseCode = "404", description = "No such team, or the caller is not in it (alike on purpose)")
    public Mono<GpuApi.SeriesPage> teamSeries(@AuthenticationPrincipal Jwt token, @PathVariable String team,
                                              @ParameterObject ChartQuery query) {
        return namespaceOf(team, token).flatMap(namespace -> metrics.series(new GpuScope.Team(namespace),
                query.signalSet(), query.resolution(properties, metrics.now())));
    }

    @GetMapping("/teams/{team}/gpu-metrics/current")
    @Operation(summary = "A team's GPUs now", description = "Every GPU the team's pods hold, with its pod and workload.")
    public Mono<GpuApi.GpusNow> teamNow(@AuthenticationPrincipal Jwt token, @PathVariable String team) {
        return namespaceOf(team, token).flatMap(namespace -> metrics.gpusNow(new GpuScope.Team(namespace)));
    }

    @GetMapping("/teams/{team}/gpu-metrics/idle")
    @Operation(summary = "A team's allocated but idle GPUs", description = "GPUs the team's pods held for the whole "
            + "period without reaching the threshold, with the pod and workload holding each.")
    public Mono<GpuApi.IdleReport> teamIdle(@AuthenticationPrincipal Jwt token, @PathVariable String team,
                                            @ParameterObject IdleQuery query) {
        double threshold = query.thresholdPercent(properties.idle());
        var period = query.periodOrDefault(properties.idle());
        return namespaceOf(team, token).flatMap(namespace ->
                metrics.idle(new GpuScope.Team(namespace), threshold, period));
    }

    // ---- the fleet (platform admins) -------------------------------------------------------------------------

    @GetMapping("/gpu-metrics/fleet")
    @Operation(summary = "Chart of the cluster's GPUs by GPU type (platform admins)")
    @ApiResponse(responseCode = "403", description = "The caller is not a platform admin")
    public Mono<GpuApi.SeriesPage> fleetSeries(@AuthenticationPrincipal Jwt token, @ParameterObject ChartQuery query) {
        return admin(token).then(Mono.defer(() -> metrics.series(new GpuScope.Fleet(), query.signalSet(),
                query.resolution(properties, metrics.now()))));
    }

    @GetMapping("/gpu-metrics/fleet/current")
    @Operation(summary = "The cluster's GPUs now by GPU type and team (platform admins)")
    @ApiResponse(responseCode = "403", description = "The caller is not a platform admin")
    public Mono<GpuApi.FleetNow> fleetNow(@AuthenticationPrincipal Jwt token) {
        return admin(token).then(Mono.defer(metrics::fleetNow));
    }

    @GetMapping("/gpu-metrics/fleet/idle")
    @Operation(summary = "Every allocated but idle GPU of the cluster (platform admins)", description = "With the "
            + "team, pod and workload holding each.")
    @ApiResponse(responseCode = "403", description = "The caller is not a platform admin")
    public Mono<GpuApi.IdleReport> fleetIdle(@AuthenticationPrincipal Jwt token, @ParameterObject IdleQuery query) {
        double threshold = query.thresholdPercent(properties.idle());
        var period = query.periodOrDefault(properties.idle());
        return admin(token).then(Mono.defer(() -> metrics.idle(new GpuScope.Fleet(), threshold, period)));
    }

    /** The only place a query's namespace comes from: the team the caller may view. */
    private Mono<String> namespaceOf(String team, Jwt token) {
        return access.require(CurrentUser.from(token), team, TeamPermission.VIEW).map(TeamGrant::namespace);
    }

    private static Mono<Void> admin(Jwt token) {
        return CurrentUser.from(token).isPlatformAdmin() ? Mono.empty() : Mono.error(MetricsExceptions.adminOnly());
    }

    private static String workloadName(String workload) {
        if (!WORKLOAD.matcher(workload).matches()) {
            throw MetricsExceptions.invalid("workload", "'" + GpuSignal.abbreviate(workload) + "' is not a workload "
                    + "name (lower-case letters, digits and '-', starting with a letter).");
        }
        return workload;
    }
}
