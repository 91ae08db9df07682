package ai.portal.tenant.membership;

import ai.portal.platform.me.TeamDirectory;
import ai.portal.platform.me.TeamMembership;
import ai.portal.platform.security.CurrentUser;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;

/** The caller's teams as tenant-service records them: the database, not the token, is the source of truth. */
@Component
class DatabaseTeamDirectory implements TeamDirectory {

    private final DatabaseClient db;

    DatabaseTeamDirectory(DatabaseClient db) {
        this.db = db;
    }

    @Override
    public Flux<TeamMembership> teamsOf(CurrentUser user) {
        return db.sql("""
                        select t.slug, t.display_name, m.role
                          from team_member m join team t on t.slug = m.team_slug
                         where m.user_subject = :subject and t.state = 'active'
                         order by t.slug""")
                .bind("subject", user.subject())
                .map(row -> new TeamMembership(row.get("slug", String.class), row.get("display_name", String.class),
                        row.get("role", String.class)))
                .all();
    }
}
