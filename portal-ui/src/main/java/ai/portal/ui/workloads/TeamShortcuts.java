package ai.portal.ui.workloads;

import java.util.List;

import ai.portal.ui.backend.TenantApi.Membership;
import ai.portal.ui.backend.TenantClient;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.server.VaadinSession;

/**
 * "Notebooks" and "Jobs" in the menu: they open the team the user last worked in (or their first team), so the
 * menu needs no team picker; a user in no team is told so.
 */
final class TeamShortcuts {

    private static final String LAST_TEAM = TeamShortcuts.class.getName() + ".team";

    private TeamShortcuts() {
    }

    static void remember(String team) {
        VaadinSession session = VaadinSession.getCurrent();
        if (session != null) {
            session.setAttribute(LAST_TEAM, team);
        }
    }

    static void forward(BeforeEnterEvent event, TenantClient tenants, String page, Div noTeam) {
        List<Membership> teams = tenants.me().teams();
        Object last = VaadinSession.getCurrent().getAttribute(LAST_TEAM);
        String team = teams.stream().map(Membership::slug).filter(slug -> slug.equals(last)).findFirst()
                .orElse(teams.isEmpty() ? null : teams.getFirst().slug());
        if (team == null) {
            noTeam.removeAll();
            Paragraph none = new Paragraph(noTeam.getTranslation("home.no-teams"));
            none.setId("no-teams");
            noTeam.add(none);
            return;
        }
        event.forwardTo("teams/" + team + "/" + page);
    }
}
