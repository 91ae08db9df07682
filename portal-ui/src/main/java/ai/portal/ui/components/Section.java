package ai.portal.ui.components;

import java.util.function.Function;
import java.util.function.Supplier;

import ai.portal.ui.backend.BackendException;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.progressbar.ProgressBar;

/**
 * One part of a page fed by one backend call: a heading, a progress indicator while the call runs, then its
 * content; or, when the backend is down, the part greyed out with a readable message while the rest of the page
 * works. {@link #reload()} repeats the last load (live updates call it).
 */
public class Section extends Div {

    private final H2 heading;
    private final Div body = new Div();
    private Runnable lastLoad = () -> { };

    public Section(String id, String title) {
        setId(id);
        addClassName("portal-section");
        heading = new H2(title);
        heading.addClassName("portal-section-title");
        body.addClassName("portal-section-body");
        add(heading, body);
        getElement().setAttribute("aria-busy", "false");
    }

    public H2 heading() {
        return heading;
    }

    /** Loads in the background and renders the result; a failure greys the section out with its reason. */
    public <T> void load(String whatKey, Supplier<T> call, Function<T, Component> render) {
        lastLoad = () -> load(whatKey, call, render);
        if (body.getChildren().findAny().isEmpty()) {
            loading();
        } else {
            getElement().setAttribute("aria-busy", "true");
        }
        getUI().or(() -> java.util.Optional.ofNullable(com.vaadin.flow.component.UI.getCurrent())).ifPresent(ui ->
                Async.run(ui, call, result -> show(render.apply(result)), failure -> failed(whatKey, failure)));
    }

    public void reload() {
        lastLoad.run();
    }

    public void loading() {
        ProgressBar progress = new ProgressBar();
        progress.setIndeterminate(true);
        progress.getElement().setAttribute("aria-label", getTranslation("common.loading"));
        progress.addClassName("portal-progress");
        body.removeAll();
        body.add(progress);
        getElement().setAttribute("aria-busy", "true");
    }

    public void show(Component... content) {
        removeClassName("portal-unavailable");
        body.removeAll();
        body.add(content);
        getElement().setAttribute("aria-busy", "false");
    }

    public void failed(String whatKey, BackendException failure) {
        Paragraph message = new Paragraph(Problems.message(this, whatKey, failure));
        message.addClassName("portal-problem");
        message.getElement().setAttribute("role", "alert");
        addClassName("portal-unavailable");
        body.removeAll();
        body.add(message);
        getElement().setAttribute("aria-busy", "false");
    }

    /** A part whose backend does not exist yet: said plainly, never filled with made-up data. */
    public void notAvailableYet(String messageKey) {
        Paragraph message = new Paragraph(getTranslation(messageKey));
        message.addClassName("portal-not-yet");
        addClassName("portal-unavailable");
        body.removeAll();
        body.add(message);
    }
}
