package ai.portal.ui.admin;

import java.util.List;
import java.util.function.Consumer;

import com.vaadin.flow.component.tabs.Tab;
import com.vaadin.flow.component.tabs.Tabs;

/** Tabs over the statuses a kind of request can have (labels {@code request-status.<status>}), first selected. */
final class StatusTabs extends Tabs {

    StatusTabs(String id, List<String> statuses, Consumer<String> onChoose) {
        setId(id);
        for (String status : statuses) {
            Tab tab = new Tab(getTranslation("request-status." + status));
            tab.setId("tab-" + status);
            add(tab);
        }
        addSelectedChangeListener(change -> onChoose.accept(statuses.get(getSelectedIndex())));
    }
}
