package ai.portal.ui.components;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.router.HasDynamicTitle;

/** A page of the portal: its title, translated, in the browser tab ("Home · AI Portal") and in the header. */
public interface PortalView extends HasDynamicTitle {

    /** The view's own title in the user's language, e.g. "Home". */
    String viewTitle();

    @Override
    default String getPageTitle() {
        return viewTitle() + " · " + ((Component) this).getTranslation("app.name");
    }
}
