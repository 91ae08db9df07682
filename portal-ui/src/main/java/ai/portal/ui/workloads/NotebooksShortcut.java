package ai.portal.ui.workloads;

import ai.portal.ui.backend.TenantClient;
import ai.portal.ui.components.PortalView;
import ai.portal.ui.security.CurrentUser;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.RolesAllowed;

/** "Notebooks" in the menu: the notebooks of the team the user last worked in, or of their first team. */
@Route("notebooks")
@RolesAllowed({CurrentUser.DATA_SCIENTIST, CurrentUser.PLATFORM_ADMIN})
public class NotebooksShortcut extends Div implements BeforeEnterObserver, PortalView {

    private final TenantClient tenants;

    public NotebooksShortcut(TenantClient tenants) {
        this.tenants = tenants;
        addClassName("portal-page");
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        TeamShortcuts.forward(event, tenants, "notebooks", this);
    }

    @Override
    public String viewTitle() {
        return getTranslation("notebooks.title");
    }
}
