package ai.portal.jobs.settings;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import ai.portal.jobs.cluster.ClusterState;
import ai.portal.platform.audit.AuditEvent.Outcome;
import ai.portal.platform.audit.AuditLog;
import ai.portal.platform.problem.ApiException;
import ai.portal.platform.security.CurrentUser;
import ai.portal.platform.team.TeamAuthorizer;
import ai.portal.platform.team.TeamNames;
import ai.portal.platform.team.TeamPermission;
import io.r2dbc.spi.Readable;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Per-team idle limits: platform admins give a team its own limits in place of the platform's (longer for a team
 * doing long interactive GPU work, shorter for a crowded one); members read the limits that hold for their team (the
 * "keep running" choice is bounded by them). Every change is audited.
 */
@Service
public class TeamIdleLimitsService {

    private static final String ACTION_SET = "settings.team-idle.update";
    private static final String ACTION_RESET = "settings.team-idle.delete";

    private final DatabaseClient db;
    private final SettingsService platform;
    private final TeamAuthorizer authorizer;
    private final ClusterState cluster;
    private final AuditLog audit;
    private final TransactionalOperator tx;

    TeamIdleLimitsService(DatabaseClient db, SettingsService platform, TeamAuthorizer authorizer, ClusterState cluster,
                          AuditLog audit, TransactionalOperator tx) {
        this.db = db;
        this.platform = platform;
        this.authorizer = authorizer;
        this.cluster = cluster;
        this.audit = audit;
        this.tx = tx;
    }

    /** The limits that hold for one team's notebooks (no authorisation: for the culler and the use cases). */
    public Mono<IdleLimits> limits(String team) {
        return Mono.zip(platform.current(), own(team).map(Row::limits).map(Optional::of)
                        .defaultIfEmpty(Optional.empty()))
                .map(parts -> IdleLimits.of(parts.getT1()).with(parts.getT2().orElse(null)));
    }

    /** Every team's limits at once, for one pass of the culler: one read of the platform's and of the teams'. */
    public Mono<Function<String, IdleLimits>> limitsByTeam() {
        return Mono.zip(platform.current(), rows().collectMap(Row::team, Row::limits))
                .map(parts -> {
                    IdleLimits base = IdleLimits.of(parts.getT1());
                    Map<String, TeamIdleLimits> teams = parts.getT2();
                    return team -> base.with(teams.get(team));
                });
    }

    /** Every team with limits of its own (platform admins). */
    public Flux<TeamIdleSettings> overrides(CurrentUser actor) {
        return SettingsService.requireAdmin(actor)
                .thenMany(Mono.zip(platform.current(), rows().collectList()).flatMapMany(parts -> Flux.fromIterable(
                        parts.getT2()).map(row -> row.view(IdleLimits.of(parts.getT1())))));
    }

    /** One team's limits: its owners, members and viewers, and platform admins. */
    public Mono<TeamIdleSettings> get(CurrentUser actor, String team) {
        return authorizer.require(actor, team, TeamPermission.VIEW).then(view(team));
    }

    public Mono<TeamIdleSettings> set(CurrentUser actor, String team, TeamIdleLimits change) {
        String target = "team/" + team;
        Mono<TeamIdleSettings> useCase = SettingsService.requireAdmin(actor)
                .then(Mono.fromRunnable(() -> requireTeam(team)))
                .then(Mono.zip(platform.current(), view(team)))
                .flatMap(parts -> {
                    if (change.empty()) {
                        return Mono.error(new ApiException(HttpStatus.BAD_REQUEST, "Nothing to set",
                                "Name at least one limit; to make the team follow the platform again, delete its "
                                        + "limits."));
                    }
                    IdleLimits after = IdleLimits.of(parts.getT1()).with(change);
                    if (after.idleWarningSeconds() >= Math.min(after.notebookIdleLimitSeconds(),
                            after.gpuNotebookIdleLimitSeconds())) {
                        String field = change.gpuNotebookIdleLimitSeconds() != null
                                ? "gpuNotebookIdleLimitSeconds" : "notebookIdleLimitSeconds";
                        return Mono.error(new ApiException(HttpStatus.BAD_REQUEST, "Invalid limits",
                                "The idle warning comes " + after.idleWarningSeconds() + " seconds before the stop: "
                                        + "make both idle limits longer than that.").withField(field));
                    }
                    return db.sql("""
                                    insert into team_idle_limits (team_slug, notebook_idle_limit_seconds,
                                        gpu_notebook_idle_limit_seconds, max_idle_extension_seconds, updated_at,
                                        updated_by)
                                    values (:team, :cpu, :gpu, :extension, now(), :by)
                                    on conflict (team_slug) do update set
                                        notebook_idle_limit_seconds = excluded.notebook_idle_limit_seconds,
                                        gpu_notebook_idle_limit_seconds = excluded.gpu_notebook_idle_limit_seconds,
                                        max_idle_extension_seconds = excluded.max_idle_extension_seconds,
                                        updated_at = now(), updated_by = excluded.updated_by""")
                            .bind("team", team)
                            .bind("cpu", orNull(change.notebookIdleLimitSeconds()))
                            .bind("gpu", orNull(change.gpuNotebookIdleLimitSeconds()))
                            .bind("extension", orNull(change.maxIdleExtensionSeconds()))
                            .bind("by", actor.username())
                            .then()
                            .then(audit.record(actor, team, ACTION_SET, target, parts.getT2().own(), change,
                                    Outcome.SUCCESS, ""))
                            .as(tx::transactional);
                })
                .then(Mono.defer(() -> view(team)));
        return audit.onFailure(useCase, actor, team, ACTION_SET, target);
    }

    /** The team follows the platform's limits again. */
    public Mono<TeamIdleSettings> reset(CurrentUser actor, String team) {
        String target = "team/" + team;
        Mono<TeamIdleSettings> useCase = SettingsService.requireAdmin(actor)
                .then(view(team))
                .flatMap(before -> db.sql("delete from team_idle_limits where team_slug = :team").bind("team", team)
                        .then()
                        .then(audit.record(actor, team, ACTION_RESET, target, before.own(), null, Outcome.SUCCESS,
                                ""))
                        .as(tx::transactional))
                .then(Mono.defer(() -> view(team)));
        return audit.onFailure(useCase, actor, team, ACTION_RESET, target);
    }

    private Mono<TeamIdleSettings> view(String team) {
        return Mono.zip(platform.current(), own(team).map(Optional::of)
                        .defaultIfEmpty(Optional.empty()))
                .map(parts -> parts.getT2().map(row -> row.view(IdleLimits.of(parts.getT1())))
                        .orElseGet(() -> new TeamIdleSettings(team, null, IdleLimits.of(parts.getT1()), null, null)));
    }

    /** Only a team this cluster has (its namespace), so a typo does not leave limits nobody sees. */
    private void requireTeam(String team) {
        if (!TeamNames.isSlug(team) || cluster.namespace(TeamNames.namespace(team)).isEmpty()) {
            throw new ApiException(HttpStatus.NOT_FOUND, "Team not found", "There is no team '"
                    + (team.length() > 40 ? team.substring(0, 40) + "…" : team) + "'.");
        }
    }

    private Mono<Row> own(String team) {
        return db.sql("select * from team_idle_limits where team_slug = :team").bind("team", team)
                .map(TeamIdleLimitsService::row).one();
    }

    private Flux<Row> rows() {
        return db.sql("select * from team_idle_limits order by team_slug").map(TeamIdleLimitsService::row).all();
    }

    private static Row row(Readable row) {
        OffsetDateTime at = row.get("updated_at", OffsetDateTime.class);
        return new Row(row.get("team_slug", String.class), new TeamIdleLimits(
                row.get("notebook_idle_limit_seconds", Long.class), row.get("gpu_notebook_idle_limit_seconds",
                Long.class), row.get("max_idle_extension_seconds", Long.class)),
                at == null ? null : at.toInstant(), row.get("updated_by", String.class));
    }

    private static Parameter orNull(Long value) {
        return Parameter.fromOrEmpty(value, Long.class);
    }

    private record Row(String team, TeamIdleLimits limits, Instant updatedAt, String updatedBy) {

        TeamIdleSettings view(IdleLimits platform) {
            return new TeamIdleSettings(team, limits, platform.with(limits), updatedAt, updatedBy);
        }
    }
}
