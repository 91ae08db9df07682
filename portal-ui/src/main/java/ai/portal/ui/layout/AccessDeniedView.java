package ai.portal.ui.layout;

import ai.portal.ui.components.PortalView;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.router.AccessDeniedException;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.ErrorParameter;
import com.vaadin.flow.router.HasErrorParameter;
import com.vaadin.flow.router.ParentLayout;
import jakarta.servlet.http.HttpServletResponse;

/** A view the user's role does not allow (an admin page for a data scientist): shown exactly like a missing page. */
@ParentLayout(MainLayout.class)
public class AccessDeniedView extends Div implements HasErrorParameter<AccessDeniedException>, PortalView {

    public AccessDeniedView() {
        addClassName("portal-page");
    }

    @Override
    public int setErrorParameter(BeforeEnterEvent event, ErrorParameter<AccessDeniedException> parameter) {
        NotFoundView.render(this);
        return HttpServletResponse.SC_NOT_FOUND;
    }

    @Override
    public String viewTitle() {
        return getTranslation("not-found.title");
    }
}
