package ai.portal.ui.live;

import java.util.ArrayList;
import java.util.List;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.shared.Registration;

/**
 * The watches one view holds ({@link LiveUpdates#watchesOf}): replaced together when the view shows something else
 * (another team, another workload) and ended when the view detaches, so no view keeps a watch it no longer shows.
 */
public final class ViewWatches {

    private final LiveUpdates live;
    private final List<Registration> current = new ArrayList<>();

    ViewWatches(LiveUpdates live, Component view) {
        this.live = live;
        view.addDetachListener(detach -> clear());
    }

    /** Ends every watch this view holds; returns this, for the watches that replace them. */
    public ViewWatches clear() {
        current.forEach(Registration::remove);
        current.clear();
        return this;
    }

    /** Also follows {@code topic} (see {@link LiveUpdates#watch(Topic, UI, Runnable)}). */
    public ViewWatches add(Topic topic, UI ui, Runnable onChange) {
        current.add(live.watch(topic, ui, onChange));
        return this;
    }

    /** Also follows one item of {@code topic} (see {@link LiveUpdates#watch(Topic, String, UI, Runnable)}). */
    public ViewWatches add(Topic topic, String item, UI ui, Runnable onChange) {
        current.add(live.watch(topic, item, ui, onChange));
        return this;
    }
}
