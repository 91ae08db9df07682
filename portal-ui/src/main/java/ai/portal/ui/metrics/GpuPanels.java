package ai.portal.ui.metrics;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import ai.portal.ui.backend.MetricsApi;
import ai.portal.ui.backend.MetricsApi.ChartQuery;
import ai.portal.ui.backend.MetricsApi.SeriesPage;
import ai.portal.ui.backend.MetricsApi.SignalSeries;
import ai.portal.ui.backend.MetricsClient;
import ai.portal.ui.components.Section;
import ai.portal.ui.components.TimeChart;
import ai.portal.ui.live.Beat;
import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.AnchorTarget;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.shared.Registration;

/**
 * GPU panels over a chosen range: utilisation, memory, power and temperature of a workload's GPUs (one line per GPU)
 * or of the fleet (one line per GPU type), from logging-pipeline's GPU metrics. The data follows time while the
 * panel is open: it is fetched again once per point of the chosen range (15 s for the last 15 minutes, 1 min for
 * the last 6 hours), with the viewer's own token, never faster.
 */
public class GpuPanels extends Div {

    /** The ranges a viewer chooses from, as the metrics API writes them, and how many points each chart asks for. */
    public static final List<String> RANGES = List.of("15m", "1h", "6h", "24h", "7d");
    static final int POINTS = 120;
    static final Duration FASTEST_REFRESH = Duration.ofSeconds(15);

    /** One chart: a signal, its title and axis keys, its unit, and how the API's values become the shown ones. */
    record Panel(String signal, String key, String unit, Double min, Double max, Function<Double, Double> scale) {
    }

    static final List<Panel> PANELS = List.of(
            new Panel("utilization", "gpu.utilization", "%", 0.0, 100.0, Function.identity()),
            new Panel("memoryUsed", "gpu.memory", "GiB", 0.0, null, mib -> mib / 1024.0),
            new Panel("power", "gpu.power", "W", 0.0, null, Function.identity()),
            new Panel("temperature", "gpu.temperature", "°C", null, null, Function.identity()));

    /** Whose GPUs: one line per GPU of a workload, or per GPU type of the fleet. */
    private enum Scope {
        WORKLOAD, FLEET
    }

    private final Scope scope;
    private final Function<ChartQuery, SeriesPage> load;
    private final Section charts;
    private final Select<String> range = new Select<>();
    private final Map<String, TimeChart> shown = new LinkedHashMap<>();
    private final Div dashboard = new Div();
    private Registration refresh;

    private GpuPanels(String id, Scope scope, Function<ChartQuery, SeriesPage> load) {
        this.scope = scope;
        this.load = load;
        setId(id);
        addClassName("portal-gpu-panels");
        range.setId(id + "-range");
        range.setLabel(getTranslation("gpu.range"));
        range.setItems(RANGES);
        range.setItemLabelGenerator(value -> getTranslation("gpu.range." + value));
        range.setValue("1h");
        charts = new Section(id + "-charts", getTranslation("gpu.panels"));
        charts.heading().setVisible(false);
        range.addValueChangeListener(change -> {
            charts.loading();
            reload();
        });
        HorizontalLayout toolbar = new HorizontalLayout(range, dashboard);
        toolbar.setAlignItems(FlexComponent.Alignment.BASELINE);
        add(toolbar, charts);
    }

    /** The GPUs of one workload, one line per GPU. */
    public static GpuPanels workload(MetricsClient metrics, String team, String workload) {
        return new GpuPanels("gpu-panels", Scope.WORKLOAD, query -> metrics.workload(team, workload, query));
    }

    /** The cluster's GPUs, one line per GPU type (platform admins). */
    public static GpuPanels fleet(MetricsClient metrics) {
        return new GpuPanels("fleet-gpu-panels", Scope.FLEET, metrics::fleet);
    }

    @Override
    protected void onAttach(AttachEvent attach) {
        reload();
    }

    @Override
    protected void onDetach(DetachEvent detach) {
        stopRefreshing();
    }

    private void reload() {
        String chosen = range.getValue();
        shown.clear();
        charts.load("gpu.load", () -> load.apply(query(chosen)), this::render);
        scheduleRefresh(chosen);
    }

    private static ChartQuery query(String chosen) {
        return new ChartQuery(chosen, POINTS, MetricsApi.PANEL_SIGNALS);
    }

    /** Newer points into the charts already shown (no flicker); anything else draws them anew. */
    private void refreshNow(UI ui) {
        String chosen = range.getValue();
        ai.portal.ui.components.Async.run(ui, () -> load.apply(query(chosen)), page -> {
            if (!chosen.equals(range.getValue())) {
                return; // the range changed meanwhile: its own load is under way
            }
            if (shown.isEmpty() || !update(page)) {
                shown.clear();
                charts.show(render(page));
            }
        }, failure -> {
            shown.clear();
            charts.failed("gpu.load", failure);
        });
    }

    /** The next fetch when the next point is due; none while the tab is gone. */
    private void scheduleRefresh(String chosen) {
        stopRefreshing();
        UI ui = UI.getCurrent();
        if (ui == null) {
            return;
        }
        refresh = Beat.every(ui, stepOf(chosen), () -> refreshNow(ui));
    }

    static Duration stepOf(String chosen) {
        Duration span = switch (chosen) {
            case "15m" -> Duration.ofMinutes(15);
            case "6h" -> Duration.ofHours(6);
            case "24h" -> Duration.ofHours(24);
            case "7d" -> Duration.ofDays(7);
            default -> Duration.ofHours(1);
        };
        Duration step = span.dividedBy(POINTS - 1);
        return step.compareTo(FASTEST_REFRESH) < 0 ? FASTEST_REFRESH : step;
    }

    private void stopRefreshing() {
        if (refresh != null) {
            refresh.remove();
            refresh = null;
        }
    }

    private Component render(SeriesPage page) {
        dashboard.removeAll();
        if (page.dashboardUrl() != null) {
            Anchor grafana = new Anchor(page.dashboardUrl(), getTranslation("gpu.dashboard"), AnchorTarget.BLANK);
            grafana.getElement().setAttribute("rel", "noopener");
            dashboard.add(grafana);
        }
        boolean any = page.signals().stream().anyMatch(signal -> !signal.series().isEmpty());
        if (!any) {
            Paragraph none = new Paragraph(getTranslation(scope == Scope.WORKLOAD ? "gpu.no-data" : "gpu.no-fleet-data"));
            none.setId(getId().orElse("gpu") + "-none");
            return none;
        }
        Div grid = new Div();
        grid.addClassName("portal-chart-grid-layout");
        for (Panel panel : PANELS) {
            SignalSeries signal = page.signal(panel.signal());
            if (signal == null || signal.series().isEmpty()) {
                continue;
            }
            TimeChart chart = new TimeChart(getTranslation(panel.key()), getTranslation(panel.key() + ".axis"),
                    panel.unit()).range(panel.min(), panel.max());
            chart.getElement().setAttribute("data-signal", panel.signal());
            chart.show(page.start(), page.stepSeconds(), lines(panel, signal));
            Paragraph title = new Paragraph(getTranslation(panel.key()));
            title.addClassName("portal-chart-title");
            Div card = new Div(title, chart);
            card.addClassName("portal-chart-card");
            grid.add(card);
            shown.put(panel.signal(), chart);
        }
        return grid;
    }

    /** False when the page no longer fits the charts shown (a signal appeared or went). */
    private boolean update(SeriesPage page) {
        for (Panel panel : PANELS) {
            SignalSeries signal = page.signal(panel.signal());
            TimeChart chart = shown.get(panel.signal());
            if ((signal == null || signal.series().isEmpty()) != (chart == null)) {
                return false;
            }
            if (chart != null) {
                chart.show(page.start(), page.stepSeconds(), lines(panel, signal));
            }
        }
        return true;
    }

    private List<TimeChart.Line> lines(Panel panel, SignalSeries signal) {
        return signal.series().stream()
                .map(series -> new TimeChart.Line(lineName(series.labels()), series.values().stream()
                        .map(value -> value == null ? null : panel.scale().apply(value)).toList()))
                .toList();
    }

    /** "GPU 0 · train-7-abc" for a workload's GPU, the GPU type for the fleet. */
    private String lineName(Map<String, String> labels) {
        if (scope == Scope.FLEET) {
            return labels.getOrDefault("gpuType", "");
        }
        String gpu = labels.getOrDefault("gpu", "");
        String pod = labels.get("pod");
        return pod == null ? getTranslation("gpu.line", gpu) : getTranslation("gpu.line-of-pod", gpu, pod);
    }
}
