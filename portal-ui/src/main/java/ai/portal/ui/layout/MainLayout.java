package ai.portal.ui.layout;

import java.util.List;

import ai.portal.ui.admin.AccessRequestsView;
import ai.portal.ui.admin.AuditView;
import ai.portal.ui.admin.ClusterView;
import ai.portal.ui.admin.GpuTypesView;
import ai.portal.ui.admin.IdleLimitsView;
import ai.portal.ui.admin.ImagesView;
import ai.portal.ui.admin.QuotaRequestsView;
import ai.portal.ui.admin.TeamsAdminView;
import ai.portal.ui.backend.TenantApi.Membership;
import ai.portal.ui.backend.TenantClient;
import ai.portal.ui.components.Async;
import ai.portal.ui.components.PortalView;
import ai.portal.ui.home.HomeView;
import ai.portal.ui.security.CurrentUser;
import ai.portal.ui.usage.UsageView;
import ai.portal.ui.team.TeamView;
import ai.portal.ui.workloads.JobsShortcut;
import ai.portal.ui.workloads.JobsView;
import ai.portal.ui.workloads.NotebooksShortcut;
import ai.portal.ui.workloads.NotebooksView;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.applayout.AppLayout;
import com.vaadin.flow.component.applayout.DrawerToggle;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Image;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.sidenav.SideNav;
import com.vaadin.flow.component.sidenav.SideNavItem;
import com.vaadin.flow.router.AfterNavigationEvent;
import com.vaadin.flow.router.AfterNavigationObserver;
import com.vaadin.flow.router.Layout;
import com.vaadin.flow.router.RouteParameters;
import com.vaadin.flow.server.auth.AnonymousAllowed;

/**
 * The shell of every signed-in page. The drawer holds everything to navigate by (the portal's name, the views the
 * user's role allows, their teams, the admin pages for platform admins, and the user menu at its foot), so it comes
 * first in the tab order after the skip link and the drawer toggle; the header holds only the view's title, so it
 * never wraps on a phone.
 */
@Layout
@AnonymousAllowed
public class MainLayout extends AppLayout implements AfterNavigationObserver {

    static final String MAIN_CONTENT = "main-content";

    private final H1 viewTitle = new H1();
    private final SideNav teamsNav = new SideNav();
    private final TenantClient tenants;
    private final CurrentUser user;

    public MainLayout(CurrentUser user, TenantClient tenants) {
        this.user = user;
        this.tenants = tenants;
        setPrimarySection(Section.DRAWER);

        Anchor skip = new Anchor("#" + MAIN_CONTENT, getTranslation("layout.skip-to-content"));
        skip.setId("skip-link");
        skip.addClassName("portal-skip-link");
        skip.setRouterIgnore(true);
        // moves focus in place: with Vaadin's <base href> a plain fragment link would load another URL
        skip.getElement().executeJs("""
                this.addEventListener('click', event => {
                  event.preventDefault();
                  const main = document.getElementById($0);
                  if (main) { main.focus(); }
                });""", MAIN_CONTENT);

        DrawerToggle toggle = new DrawerToggle();
        toggle.setAriaLabel(getTranslation("layout.toggle-menu"));
        viewTitle.setId("view-title");
        viewTitle.addClassName("portal-view-title");
        addToNavbar(skip, toggle, viewTitle);

        addToDrawer(brand(), mainNavigation());
        if (user.hasPortalAccess()) {
            teamsNav.setId("nav-teams");
            teamsNav.setLabel(getTranslation("nav.my-teams"));
            teamsNav.setCollapsible(true);
            addToDrawer(teamsNav);
            loadTeams();
        }
        if (user.isPlatformAdmin()) {
            addToDrawer(adminNavigation());
        }
        Div footer = new Div(new UserMenu(user));
        footer.addClassName("portal-drawer-footer");
        addToDrawer(footer);
    }

    private Component brand() {
        Image logo = new Image("icons/favicon.svg", "");
        logo.addClassName("portal-logo");
        Span name = new Span(getTranslation("app.name"));
        Anchor brand = new Anchor("", logo, name);
        brand.setId("brand");
        brand.addClassName("portal-brand");
        return brand;
    }

    private SideNav mainNavigation() {
        SideNav nav = new SideNav();
        nav.setId("nav-main");
        nav.getElement().setAttribute("aria-label", getTranslation("nav.label"));
        nav.addItem(item("nav-home", "nav.home", HomeView.class, VaadinIcon.HOME));
        if (user.hasPortalAccess()) {
            nav.addItem(item("nav-notebooks", "nav.notebooks", NotebooksShortcut.class, VaadinIcon.NOTEBOOK),
                    item("nav-jobs", "nav.jobs", JobsShortcut.class, VaadinIcon.COGS));
        }
        return nav;
    }

    private SideNav adminNavigation() {
        SideNav nav = new SideNav();
        nav.setId("nav-admin");
        nav.setLabel(getTranslation("nav.admin"));
        nav.setCollapsible(true);
        nav.addItem(item("nav-admin-teams", "nav.admin.teams", TeamsAdminView.class, VaadinIcon.GROUP),
                item("nav-admin-requests", "nav.admin.quota-requests", QuotaRequestsView.class, VaadinIcon.INBOX),
                item("nav-admin-access", "nav.admin.access-requests", AccessRequestsView.class, VaadinIcon.KEY),
                item("nav-admin-cluster", "nav.admin.cluster", ClusterView.class, VaadinIcon.SERVER),
                item("nav-admin-usage", "nav.admin.usage", UsageView.class, VaadinIcon.CHART),
                item("nav-admin-images", "nav.admin.images", ImagesView.class, VaadinIcon.PACKAGE),
                item("nav-admin-idle", "nav.admin.idle-limits", IdleLimitsView.class, VaadinIcon.HOURGLASS),
                item("nav-admin-gpus", "nav.admin.gpu-types", GpuTypesView.class, VaadinIcon.CUBES),
                item("nav-admin-audit", "nav.admin.audit", AuditView.class, VaadinIcon.RECORDS));
        return nav;
    }

    private SideNavItem item(String id, String labelKey, Class<? extends Component> view, VaadinIcon icon) {
        SideNavItem item = new SideNavItem(getTranslation(labelKey), view, icon.create());
        item.setId(id);
        return item;
    }

    /** The user's teams as links, from tenant-service; reloaded after each navigation (cheap, and never stale long). */
    private void loadTeams() {
        UI ui = UI.getCurrent();
        if (ui == null) {
            return;
        }
        Async.run(ui, () -> tenants.me().teams(), this::showTeams, failure -> {
            // the drawer stays usable; the home page says why the teams are missing
        });
    }

    private void showTeams(List<Membership> teams) {
        teamsNav.removeAll();
        for (Membership team : teams) {
            SideNavItem item = new SideNavItem(team.displayName(), TeamView.class,
                    new RouteParameters(TeamView.TEAM, team.slug()), VaadinIcon.USERS.create());
            item.setId("nav-team-" + team.slug());
            SideNavItem notebooks = new SideNavItem(getTranslation("nav.notebooks"), NotebooksView.class,
                    new RouteParameters(TeamView.TEAM, team.slug()));
            notebooks.setId("nav-team-" + team.slug() + "-notebooks");
            SideNavItem jobs = new SideNavItem(getTranslation("nav.jobs"), JobsView.class,
                    new RouteParameters(TeamView.TEAM, team.slug()));
            jobs.setId("nav-team-" + team.slug() + "-jobs");
            item.addItem(notebooks, jobs);
            teamsNav.addItem(item);
        }
        teamsNav.setVisible(!teams.isEmpty());
    }

    @Override
    public void afterNavigation(AfterNavigationEvent event) {
        Component content = getContent();
        if (content instanceof PortalView view) {
            viewTitle.setText(view.viewTitle());
        } else {
            viewTitle.setText(getTranslation("app.name"));
        }
        if (content != null) {
            // where the skip link lands: focusable by script and by the fragment, not by Tab
            content.getElement().setAttribute("id", MAIN_CONTENT);
            content.getElement().setAttribute("tabindex", "-1");
            content.getElement().setAttribute("role", "main");
        }
        if (user.hasPortalAccess() && event.isRefreshEvent() == false && event.getLocation().getPath().isEmpty()) {
            loadTeams();
        }
    }
}
