package ai.portal.ui.components;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import ai.portal.ui.i18n.Formats;
import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.html.Div;
import tools.jackson.databind.json.JsonMapper;

/**
 * A time-series chart: uPlot (from its WebJar, served as a static resource; no npm) drawn by the portal's
 * {@code charts/time-chart.js}, with labelled axes, values with their unit, times in the user's language and time
 * zone, and series colours from the theme, so it reads in light and dark. The server holds the data and sends it
 * whole on each change (a panel's few hundred points); screen readers get a summary of the latest values.
 */
public class TimeChart extends Div {

    static final String UPLOT = "webjars/uplot/1.6.30/dist/uPlot.iife.min.js";
    static final String UPLOT_CSS = "webjars/uplot/1.6.30/dist/uPlot.min.css";
    static final String CHART = "charts/time-chart.js";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** One line of the chart; null values are gaps (no sample there). */
    public record Line(String label, List<Double> values) {
    }

    private final String title;
    private final String yLabel;
    private final String unit;
    private Double min;
    private Double max;
    private int decimals = 1;
    private String spec;

    /**
     * @param title  what the chart shows, for screen readers ("GPU utilisation")
     * @param yLabel the value axis' label ("Utilisation (%)")
     * @param unit   the unit after each value ("%", "GiB", "W", "°C"); empty for counts
     */
    public TimeChart(String title, String yLabel, String unit) {
        this.title = title;
        this.yLabel = yLabel;
        this.unit = unit;
        addClassName("portal-chart");
        getElement().setAttribute("role", "img");
        getElement().setAttribute("aria-label", title);
        getElement().setAttribute("data-points", "0");
    }

    /** Fixes the value axis, e.g. 0–100 for percent (it still grows to fit larger values). */
    public TimeChart range(Double from, Double to) {
        this.min = from;
        this.max = to;
        return this;
    }

    public TimeChart decimals(int digits) {
        this.decimals = digits;
        return this;
    }

    /** Shows the lines on the grid {@code start + i × step}. */
    public void show(Instant start, long stepSeconds, List<Line> lines) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("unit", unit);
        data.put("yLabel", yLabel);
        data.put("xLabel", getTranslation("chart.time"));
        data.put("locale", Formats.locale().toLanguageTag());
        data.put("timeZone", Formats.zone().getId());
        data.put("start", start.getEpochSecond());
        data.put("step", stepSeconds);
        data.put("min", min);
        data.put("max", max);
        data.put("decimals", decimals);
        List<Map<String, Object>> series = new ArrayList<>();
        for (Line line : lines) {
            series.add(Map.of("label", line.label(), "values", line.values()));
        }
        data.put("series", series);
        String next = JSON.writeValueAsString(data);
        long points = lines.stream().flatMap(line -> line.values().stream()).filter(Objects::nonNull).count();
        getElement().setAttribute("data-points", String.valueOf(points));
        getElement().setAttribute("data-series", String.valueOf(lines.size()));
        getElement().setAttribute("aria-label", summary(lines));
        if (!next.equals(spec)) {
            spec = next;
            draw();
        }
    }

    /** "GPU utilisation: gpu 0 87 %, gpu 1 12 %" — the latest value of each line. */
    private String summary(List<Line> lines) {
        StringBuilder text = new StringBuilder(title);
        String separator = ": ";
        for (Line line : lines) {
            Double latest = null;
            for (int i = line.values().size() - 1; i >= 0 && latest == null; i--) {
                latest = line.values().get(i);
            }
            if (latest != null) {
                text.append(separator).append(line.label()).append(' ')
                        .append(Formats.number(Math.round(latest * 10) / 10.0)).append(unit.isEmpty() ? "" : " " + unit);
                separator = ", ";
            }
        }
        return text.toString();
    }

    @Override
    protected void onAttach(AttachEvent attach) {
        if (spec != null) {
            draw(); // a re-attached component gets a new element in the browser
        }
    }

    private void draw() {
        // loads uPlot and the portal's chart script once per page, in order, then draws
        getElement().executeJs("""
                const host = this;
                const base = document.baseURI;
                window.__portalCharts = window.__portalCharts || new Promise((resolve, reject) => {
                  const css = document.createElement('link');
                  css.rel = 'stylesheet';
                  css.href = new URL($1, base).href;
                  document.head.appendChild(css);
                  const load = src => new Promise((ok, fail) => {
                    const script = document.createElement('script');
                    script.src = new URL(src, base).href;
                    script.onload = ok;
                    script.onerror = fail;
                    document.head.appendChild(script);
                  });
                  load($2).then(() => load($3)).then(resolve, reject);
                });
                window.__portalCharts.then(() => window.PortalTimeChart.render(host, JSON.parse($0)));
                """, spec, UPLOT_CSS, UPLOT, CHART);
    }
}
