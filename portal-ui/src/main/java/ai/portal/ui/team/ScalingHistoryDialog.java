package ai.portal.ui.team;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import ai.portal.ui.backend.JobsApi.ModelScalingChange;
import ai.portal.ui.backend.JobsApi.ModelScalingHistory;
import ai.portal.ui.backend.JobsClient;
import ai.portal.ui.components.Section;
import ai.portal.ui.components.TimeChart;
import ai.portal.ui.i18n.Formats;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.html.ListItem;
import com.vaadin.flow.component.html.OrderedList;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;

/**
 * An autoscaled deployment's replicas over the last day: a step chart of the replica count and, below it, every
 * change the cluster's HPA controller made with the target that drove it ("↑ 3 replicas — requests/s per replica
 * above its target"), newest first.
 */
final class ScalingHistoryDialog extends Dialog {

    /** Points of the chart at most: the window is cut into steps of at least 15 s (the HPA's sync period). */
    private static final int POINTS = 240;

    ScalingHistoryDialog(JobsClient jobs, String team, String name) {
        setHeaderTitle(getTranslation("team.models.scaling-history-title", name));
        setId("scaling-history-dialog");
        setWidth("min(48rem, 95vw)");
        Section content = new Section("scaling-history", getTranslation("team.models.scaling-history"));
        content.load("team.load-scaling-history", () -> jobs.modelScalingHistory(team, name), this::view);
        add(content);
        getFooter().add(new Button(getTranslation("common.close"), click -> close()));
    }

    private Component view(ModelScalingHistory history) {
        long seconds = Math.max(1, Duration.between(history.since(), history.until()).toSeconds());
        long step = Math.max(15, (seconds + POINTS - 1) / POINTS);
        TimeChart chart = new TimeChart(getTranslation("team.models.scaling-history"),
                getTranslation("team.models.replicas"), "").decimals(0).range(0.0, null);
        chart.setId("scaling-history-chart");
        chart.show(history.since(), step, List.of(new TimeChart.Line(getTranslation("team.models.replicas"),
                replicasOnGrid(history, step))));
        if (history.changes().isEmpty()) {
            Paragraph none = new Paragraph(getTranslation("team.models.scaling-history.none",
                    history.replicasAtStart(), Formats.duration(Duration.ofSeconds(seconds))));
            none.setId("scaling-history-none");
            none.addClassName("portal-hint");
            return new com.vaadin.flow.component.html.Div(chart, none);
        }
        OrderedList changes = new OrderedList();
        changes.setId("scaling-history-changes");
        int before = history.replicasAtStart();
        List<ListItem> items = new ArrayList<>();
        for (ModelScalingChange change : history.changes()) {
            ListItem item = new ListItem(new Span(Formats.dateTime(change.at()) + " "),
                    new Span(getTranslation("team.models.scaling-change", before, change.replicas(), why(change))));
            item.getElement().setAttribute("data-direction", change.direction());
            if (change.metric() != null) {
                item.getElement().setAttribute("data-metric", change.metric());
            }
            // the controller's own words, one hover away
            item.getElement().setAttribute("title", change.reason());
            items.addFirst(item);
            before = change.replicas();
        }
        items.forEach(changes::add);
        return new com.vaadin.flow.component.html.Div(chart, changes);
    }

    private String why(ModelScalingChange change) {
        return switch (change.direction()) {
            case "up" -> change.metric() == null ? getTranslation("team.models.scaling-why.up-other")
                    : getTranslation("team.models.scaling-why.up",
                    getTranslation("model-autoscaling.metric." + change.metric()));
            case "down" -> getTranslation("team.models.scaling-why.down");
            default -> getTranslation("team.models.scaling-why.bounds");
        };
    }

    /** The replica count in effect at each point of the grid {@code since + i × step}: a step line. */
    static List<Double> replicasOnGrid(ModelScalingHistory history, long step) {
        List<Double> values = new ArrayList<>();
        int next = 0;
        double replicas = history.replicasAtStart();
        for (Instant at = history.since(); !at.isAfter(history.until()); at = at.plusSeconds(step)) {
            while (next < history.changes().size() && !history.changes().get(next).at().isAfter(at)) {
                replicas = history.changes().get(next++).replicas();
            }
            values.add(replicas);
        }
        return values;
    }
}
