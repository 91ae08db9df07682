package ai.portal.ui.layout;

import java.util.Locale;

import ai.portal.ui.i18n.Formats;
import ai.portal.ui.i18n.LocalePreference;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.server.ServiceInitEvent;
import com.vaadin.flow.server.VaadinRequest;
import com.vaadin.flow.server.VaadinServiceInitListener;
import com.vaadin.flow.server.VaadinServletRequest;
import com.vaadin.flow.server.VaadinSession;
import com.vaadin.flow.spring.annotation.SpringComponent;

/**
 * Every new tab starts in the user's language (menu choice, else browser), theme and time zone, and with Vaadin's
 * connection indicator speaking that language — and saying nothing while all is well (it used to be read out as
 * "Online" by screen readers).
 */
@SpringComponent
class UiSetup implements VaadinServiceInitListener {

    @Override
    public void serviceInit(ServiceInitEvent event) {
        event.getSource().addUIInitListener(init -> {
            UI ui = init.getUI();
            VaadinRequest request = VaadinRequest.getCurrent();
            if (request instanceof VaadinServletRequest servlet) {
                Locale locale = LocalePreference.of(servlet.getHttpServletRequest());
                ui.getSession().setLocale(locale);
                ui.setLocale(locale);
                UserMenu.ThemePreference theme = UserMenu.ThemePreference.fromCookie(servlet.getCookies());
                ui.getSession().setAttribute(UserMenu.ThemePreference.COOKIE, theme);
                theme.applyTo(ui);
            }
            VaadinSession session = ui.getSession();
            ui.getPage().retrieveExtendedClientDetails(details -> Formats.useZone(session, details.getTimeZoneId()));
            ui.getPage().executeJs("""
                    const indicator = document.querySelector('vaadin-connection-indicator');
                    if (indicator) {
                      indicator.onlineText = '';
                      indicator.offlineText = $0;
                      indicator.reconnectingText = $1;
                    }""", ui.getTranslation("connection.offline"), ui.getTranslation("connection.reconnecting"));
        });
    }
}
