package ai.portal.ui.components;

import ai.portal.ui.i18n.Formats;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.progressbar.ProgressBar;
import com.vaadin.flow.component.progressbar.ProgressBarVariant;

/** One resource of a quota as a bar: its name, "used of hard", and how full it is; red when nearly full. */
public class QuotaBar extends Div {

    public QuotaBar(String label, double used, double hard, String usedText, String hardText) {
        addClassName("portal-quota-bar");
        Span name = new Span(label);
        name.addClassName("portal-quota-name");
        Span amount = new Span(getTranslation("quota.used-of", usedText, hardText));
        amount.addClassName("portal-quota-amount");
        ProgressBar bar = new ProgressBar(0, Math.max(hard, 1), Math.min(used, Math.max(hard, 1)));
        double fraction = hard <= 0 ? (used > 0 ? 1 : 0) : used / hard;
        if (fraction >= 0.9) {
            bar.addThemeVariants(ProgressBarVariant.LUMO_ERROR);
        } else if (fraction >= 0.7) {
            bar.addThemeVariants(ProgressBarVariant.LUMO_CONTRAST);
        }
        bar.getElement().setAttribute("aria-label", label);
        bar.getElement().setAttribute("aria-valuetext",
                getTranslation("quota.used-of", usedText, hardText) + " (" + Formats.percent(Math.min(fraction, 1)) + ")");
        Div header = new Div(name, amount);
        header.addClassName("portal-quota-header");
        add(header, bar);
    }
}
