package ai.portal.ui.layout;

import ai.portal.ui.backend.BackendException;
import ai.portal.ui.components.PortalView;
import ai.portal.ui.components.Problems;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.ErrorParameter;
import com.vaadin.flow.router.HasErrorParameter;
import com.vaadin.flow.router.ParentLayout;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Anything else that goes wrong while opening a page: a readable message inside the layout, never a stack trace.
 * A backend that is down while a page opens says which and that the rest of the portal still works.
 */
@ParentLayout(MainLayout.class)
public class ErrorView extends Div implements HasErrorParameter<Exception>, PortalView {

    private static final Logger log = LoggerFactory.getLogger(ErrorView.class);

    public ErrorView() {
        addClassName("portal-page");
    }

    @Override
    public int setErrorParameter(BeforeEnterEvent event, ErrorParameter<Exception> parameter) {
        Exception failure = parameter.getCaughtException();
        H2 heading = new H2(getTranslation("error.heading"));
        heading.setId("error-heading");
        Paragraph text;
        int status;
        if (failure instanceof BackendException backend) {
            text = new Paragraph(Problems.reason(this, backend));
            status = backend.unreachable() ? HttpServletResponse.SC_SERVICE_UNAVAILABLE
                    : HttpServletResponse.SC_INTERNAL_SERVER_ERROR;
        } else {
            log.error("Opening {} failed", event.getLocation().getPath(), failure);
            text = new Paragraph(getTranslation("error.text"));
            status = HttpServletResponse.SC_INTERNAL_SERVER_ERROR;
        }
        text.setId("error-text");
        add(heading, text);
        return status;
    }

    @Override
    public String viewTitle() {
        return getTranslation("error.title");
    }
}
