package ai.portal.jobs.usage;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;

import ai.portal.platform.me.TeamDirectory;
import ai.portal.platform.me.TeamMembership;
import ai.portal.platform.problem.ApiException;
import ai.portal.platform.security.CurrentUser;
import ai.portal.platform.team.TeamAuthorizer;
import ai.portal.platform.team.TeamPermission;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Usage reports: GPU-, CPU- and memory-seconds of the Running intervals overlapping a period, grouped by team, user
 * or GPU type. Platform admins see every team; others see the teams they are in (or one of them, asked by name).
 */
@Service
public class UsageService {

    static final Duration MAX_PERIOD = Duration.ofDays(366);

    private final UsageRepository usage;
    private final TeamDirectory directory;
    private final TeamAuthorizer authorizer;

    UsageService(UsageRepository usage, TeamDirectory directory, TeamAuthorizer authorizer) {
        this.usage = usage;
        this.directory = directory;
        this.authorizer = authorizer;
    }

    public record Period(Instant from, Instant to) {
    }

    public Flux<UsageRow> report(CurrentUser caller, Instant from, Instant to, String groupBy, String team) {
        Instant now = Instant.now();
        Period period = period(from, to, now);
        UsageGrouping grouping;
        try {
            grouping = UsageGrouping.parse(groupBy);
        } catch (IllegalArgumentException e) {
            return Flux.error(new ApiException(HttpStatus.BAD_REQUEST, "Invalid request",
                    "groupBy must be team, user or gpuType").withField("groupBy"));
        }
        Mono<List<String>> teams;
        if (team != null) {
            teams = authorizer.require(caller, team, TeamPermission.VIEW).thenReturn(List.of(team));
        } else if (caller.isPlatformAdmin()) {
            return usage.sums(period.from(), period.to(), grouping, null, now);
        } else {
            teams = directory.teamsOf(caller).map(TeamMembership::slug).collectList();
        }
        return teams.flatMapMany(slugs -> slugs.isEmpty() ? Flux.empty()
                : usage.sums(period.from(), period.to(), grouping, slugs, now));
    }

    /** The period asked for: default from the start of this month (UTC) to now; at most a year. */
    static Period period(Instant from, Instant to, Instant now) {
        Instant start = from != null ? from : ZonedDateTime.ofInstant(now, ZoneOffset.UTC)
                .truncatedTo(ChronoUnit.DAYS).withDayOfMonth(1).toInstant();
        Instant end = to != null ? to : now;
        if (!start.isBefore(end)) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "Invalid request", "from must be before to")
                    .withField("from");
        }
        if (Duration.between(start, end).compareTo(MAX_PERIOD) > 0) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "Invalid request",
                    "the period may be at most 366 days").withField("to");
        }
        return new Period(start, end);
    }
}
