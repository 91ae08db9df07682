package ai.portal.ui.layout;

import ai.portal.ui.components.PortalView;
import ai.portal.ui.home.HomeView;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.ErrorParameter;
import com.vaadin.flow.router.HasErrorParameter;
import com.vaadin.flow.router.NotFoundException;
import com.vaadin.flow.router.ParentLayout;
import com.vaadin.flow.router.RouterLink;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The portal's own page for a URL it does not have <em>or</em> one the user may not see (another team's page, an
 * admin page): the same words and the same 404 for both, inside the layout, so nothing tells a stranger that a
 * team exists.
 */
@ParentLayout(MainLayout.class)
public class NotFoundView extends Div implements HasErrorParameter<NotFoundException>, PortalView {

    public NotFoundView() {
        addClassName("portal-page");
    }

    @Override
    public int setErrorParameter(BeforeEnterEvent event, ErrorParameter<NotFoundException> parameter) {
        render(this);
        return HttpServletResponse.SC_NOT_FOUND;
    }

    static void render(Div page) {
        page.removeAll();
        H2 heading = new H2(page.getTranslation("not-found.heading"));
        heading.setId("not-found");
        page.add(heading, new Paragraph(page.getTranslation("not-found.text")),
                new RouterLink(page.getTranslation("not-found.home"), HomeView.class));
    }

    @Override
    public String viewTitle() {
        return getTranslation("not-found.title");
    }
}
