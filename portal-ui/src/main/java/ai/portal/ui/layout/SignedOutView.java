package ai.portal.ui.layout;

import ai.portal.ui.components.PortalView;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Image;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.auth.AnonymousAllowed;

/**
 * Where logging out ends (Keycloak sends the browser here after ending its session too): says so, and offers to
 * sign in again instead of dropping the user on a login form they did not ask for.
 */
@Route(value = "signed-out", autoLayout = false)
@AnonymousAllowed
public class SignedOutView extends Div implements PortalView {

    public SignedOutView() {
        addClassName("portal-signed-out");
        Image logo = new Image("icons/favicon.svg", "");
        logo.addClassName("portal-logo-large");
        H1 heading = new H1(getTranslation("signed-out.heading"));
        heading.setId("signed-out");
        Anchor again = new Anchor("", getTranslation("signed-out.sign-in"));
        again.setId("sign-in-again");
        again.addClassName("portal-button-link");
        add(logo, heading, new Paragraph(getTranslation("signed-out.text")), again);
    }

    @Override
    public String viewTitle() {
        return getTranslation("signed-out.title");
    }
}
