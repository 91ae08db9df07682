package ai.portal.ui.layout;

import ai.portal.ui.home.HomeView;
import ai.portal.ui.security.CurrentUser;
import com.vaadin.flow.component.applayout.AppLayout;
import com.vaadin.flow.component.applayout.DrawerToggle;
import com.vaadin.flow.component.avatar.Avatar;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.sidenav.SideNav;
import com.vaadin.flow.component.sidenav.SideNavItem;
import com.vaadin.flow.router.Layout;
import com.vaadin.flow.server.auth.AnonymousAllowed;

/** Header with the signed-in user and logout; a drawer with one entry per feature view. */
@Layout
@AnonymousAllowed
public class MainLayout extends AppLayout {

    public MainLayout(CurrentUser user) {
        H1 title = new H1("AI Portal");
        title.addClassName("portal-title");

        Avatar avatar = new Avatar(user.displayName());
        Span name = new Span(user.displayName());
        name.setId("current-user-name");
        Button logout = new Button("Log out", VaadinIcon.SIGN_OUT.create(), click -> user.logout());
        logout.setId("logout");
        logout.addThemeVariants(ButtonVariant.TERTIARY);

        HorizontalLayout account = new HorizontalLayout(avatar, name, logout);
        account.setAlignItems(FlexComponent.Alignment.CENTER);
        account.addClassName("portal-account");

        addToNavbar(new DrawerToggle(), title, account);
        addToDrawer(navigation());
        setPrimarySection(Section.DRAWER);
    }

    private static SideNav navigation() {
        SideNav nav = new SideNav();
        nav.addItem(new SideNavItem("Home", HomeView.class, VaadinIcon.HOME.create()));
        return nav;
    }
}
