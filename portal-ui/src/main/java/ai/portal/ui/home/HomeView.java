package ai.portal.ui.home;

import ai.portal.ui.backend.BackendException;
import ai.portal.ui.backend.Me;
import ai.portal.ui.backend.TenantClient;
import ai.portal.ui.security.CurrentUser;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.badge.Badge;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.ListItem;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.html.UnorderedList;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.PermitAll;

/** Where a user lands after login: who they are, what they may do, and their teams. */
@Route("")
@PageTitle("Home · AI Portal")
@PermitAll
public class HomeView extends VerticalLayout {

    public HomeView(CurrentUser user, TenantClient tenants) {
        H2 welcome = new H2("Welcome, " + user.displayName());
        welcome.setId("welcome");

        Span signedInAs = new Span("Signed in as " + user.username());
        HorizontalLayout roles = new HorizontalLayout();
        roles.setId("user-roles");
        user.roles().stream().filter(role -> role.equals(CurrentUser.PLATFORM_ADMIN)
                        || role.equals(CurrentUser.DATA_SCIENTIST))
                .forEach(role -> roles.add(new Badge(role)));

        add(welcome, new HorizontalLayout(signedInAs, roles));
        if (!user.hasPortalAccess()) {
            add(message("no-access", "Your account has no portal role yet. Ask a platform admin to give you the "
                    + "data-scientist role; until then you can sign in but not use notebooks or jobs."));
            return;
        }
        add(teams(tenants));
    }

    private static Component teams(TenantClient tenants) {
        Div section = new Div(new H3("My teams"));
        section.setId("my-teams");
        Me me;
        try {
            me = tenants.me();
        } catch (BackendException failure) {
            section.add(message("teams-error", failure.getMessage()));
            return section;
        }
        if (me.teams().isEmpty()) {
            section.add(message("no-teams", "You are not in any team yet. A platform admin or a team owner can "
                    + "add you to one."));
            return section;
        }
        UnorderedList list = new UnorderedList();
        list.setId("team-list");
        me.teams().forEach(team -> list.add(new ListItem(
                new Span(team.displayName()), new Span(" (" + team.slug() + ") "), new Badge(team.role()))));
        section.add(list);
        return section;
    }

    private static Paragraph message(String id, String text) {
        Paragraph paragraph = new Paragraph(text);
        paragraph.setId(id);
        paragraph.addClassName("portal-message");
        return paragraph;
    }
}
