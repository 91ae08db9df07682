package ai.portal.logs.query;

import java.util.regex.Pattern;

import ai.portal.platform.me.TeamDirectory;
import ai.portal.platform.security.CurrentUser;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Decides which namespace a caller may read: {@code team-<slug>} when the caller is in the team (owner, member or
 * viewer, from the token's groups) or a platform admin. The namespace of every query comes from here and nowhere
 * else.
 */
@Component
public class TeamAccess {

    static final Pattern SLUG = Pattern.compile("^[a-z][a-z0-9-]{1,30}[a-z0-9]$");

    private final TeamDirectory teams;

    public TeamAccess(TeamDirectory teams) {
        this.teams = teams;
    }

    public Mono<String> namespaceFor(String team, Jwt token) {
        if (team == null || !SLUG.matcher(team).matches()) {
            return Mono.error(new LogQueryExceptions.InvalidFilter("team", "Not a team slug: '" + abbreviate(team) + "'."));
        }
        CurrentUser user = CurrentUser.from(token);
        Mono<Boolean> allowed = user.isPlatformAdmin()
                ? Mono.just(true)
                : teams.teamsOf(user).any(membership -> team.equals(membership.slug()));
        return allowed.flatMap(ok -> ok ? Mono.just("team-" + team) : Mono.error(new LogQueryExceptions.NotTeamMember(team)));
    }

    private static String abbreviate(String text) {
        return text == null ? "" : text.length() > 40 ? text.substring(0, 40) + "…" : text;
    }
}
