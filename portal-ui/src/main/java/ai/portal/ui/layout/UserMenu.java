package ai.portal.ui.layout;

import java.util.Locale;

import ai.portal.ui.i18n.LocalePreference;
import ai.portal.ui.i18n.PortalI18NProvider;
import ai.portal.ui.security.CurrentUser;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.avatar.Avatar;
import com.vaadin.flow.component.contextmenu.MenuItem;
import com.vaadin.flow.component.contextmenu.SubMenu;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.menubar.MenuBar;
import com.vaadin.flow.component.menubar.MenuBarVariant;
import com.vaadin.flow.component.page.ColorScheme;
import com.vaadin.flow.server.VaadinService;
import com.vaadin.flow.server.VaadinServletRequest;
import com.vaadin.flow.server.VaadinSession;

/** The signed-in user's menu at the foot of the drawer: who they are, language, light/dark theme, log out. */
class UserMenu extends Div {

    UserMenu(CurrentUser user) {
        addClassName("portal-user-menu");
        MenuBar bar = new MenuBar();
        bar.setId("user-menu");
        bar.addThemeVariants(MenuBarVariant.LUMO_TERTIARY_INLINE);
        bar.setWidthFull();

        Avatar avatar = new Avatar(user.displayName());
        avatar.addClassName("portal-avatar");
        Span name = new Span(user.displayName());
        name.setId("current-user-name");
        name.addClassName("portal-user-name");
        Div who = new Div(avatar, name);
        who.addClassName("portal-user");
        MenuItem root = bar.addItem(who);
        root.setAriaLabel(getTranslation("menu.user", user.displayName()));
        SubMenu menu = root.getSubMenu();

        MenuItem signedInAs = menu.addItem(getTranslation("menu.signed-in-as", user.username()));
        signedInAs.setEnabled(false);

        MenuItem languageItem = menu.addItem(getTranslation("menu.language"));
        languageItem.setId("menu-language");
        SubMenu language = languageItem.getSubMenu();
        for (Locale locale : PortalI18NProvider.LOCALES) {
            MenuItem item = language.addItem(getTranslation("language." + locale.toLanguageTag()),
                    click -> switchLanguage(locale));
            item.setId("language-" + locale.toLanguageTag());
            item.setCheckable(true);
            item.setChecked(PortalI18NProvider.supported(UI.getCurrent().getLocale()).equals(locale));
        }

        MenuItem themeItem = menu.addItem(getTranslation("menu.theme"));
        themeItem.setId("menu-theme");
        SubMenu theme = themeItem.getSubMenu();
        for (ThemePreference choice : ThemePreference.values()) {
            MenuItem item = theme.addItem(getTranslation("theme." + choice.cookieValue()), click -> {
                choice.applyTo(UI.getCurrent());
                choice.remember();
                theme.getItems().forEach(other -> other.setChecked(other == click.getSource()));
            });
            item.setId("theme-" + choice.cookieValue());
            item.setCheckable(true);
            item.setChecked(choice == ThemePreference.current());
        }

        MenuItem logout = menu.addItem(VaadinIcon.SIGN_OUT.create(), click -> user.logout());
        logout.add(new Span(getTranslation("menu.logout")));
        logout.setId("logout");
        add(bar);
    }

    /** Keeps the choice in a cookie (for the next visit and Keycloak's pages) and redraws the page in it. */
    private static void switchLanguage(Locale locale) {
        var request = (VaadinServletRequest) VaadinService.getCurrentRequest();
        var response = (com.vaadin.flow.server.VaadinServletResponse) VaadinService.getCurrentResponse();
        response.addCookie(LocalePreference.cookie(locale, request.getContextPath()));
        VaadinSession.getCurrent().setLocale(locale);
        UI ui = UI.getCurrent();
        ui.setLocale(locale);
        ui.getPage().reload();
    }

    /** Light, dark, or whatever the operating system says (the default). */
    enum ThemePreference {
        SYSTEM(ColorScheme.Value.LIGHT_DARK), LIGHT(ColorScheme.Value.LIGHT), DARK(ColorScheme.Value.DARK);

        static final String COOKIE = "portal-theme";
        private final ColorScheme.Value scheme;

        ThemePreference(ColorScheme.Value scheme) {
            this.scheme = scheme;
        }

        String cookieValue() {
            return name().toLowerCase(Locale.ROOT);
        }

        void applyTo(UI ui) {
            ui.getPage().setColorScheme(scheme);
        }

        void remember() {
            var request = (VaadinServletRequest) VaadinService.getCurrentRequest();
            var response = (com.vaadin.flow.server.VaadinServletResponse) VaadinService.getCurrentResponse();
            var cookie = new jakarta.servlet.http.Cookie(COOKIE, cookieValue());
            cookie.setPath(request.getContextPath().isEmpty() ? "/" : request.getContextPath());
            cookie.setMaxAge(365 * 24 * 3600);
            cookie.setHttpOnly(true);
            response.addCookie(cookie);
            VaadinSession.getCurrent().setAttribute(COOKIE, this);
        }

        static ThemePreference current() {
            VaadinSession session = VaadinSession.getCurrent();
            Object chosen = session == null ? null : session.getAttribute(COOKIE);
            return chosen instanceof ThemePreference preference ? preference : SYSTEM;
        }

        static ThemePreference fromCookie(jakarta.servlet.http.Cookie[] cookies) {
            if (cookies != null) {
                for (var cookie : cookies) {
                    if (COOKIE.equals(cookie.getName())) {
                        for (ThemePreference value : values()) {
                            if (value.cookieValue().equals(cookie.getValue())) {
                                return value;
                            }
                        }
                    }
                }
            }
            return SYSTEM;
        }
    }
}
