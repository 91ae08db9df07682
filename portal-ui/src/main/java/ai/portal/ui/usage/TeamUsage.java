package ai.portal.ui.usage;

import java.time.LocalDate;
import java.util.List;
import java.util.stream.Collectors;

import ai.portal.ui.backend.JobsApi.UsageGrouping;
import ai.portal.ui.backend.JobsApi.UsageQuery;
import ai.portal.ui.backend.JobsApi.UsageRow;
import ai.portal.ui.backend.JobsClient;
import ai.portal.ui.components.Section;
import ai.portal.ui.i18n.Formats;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;

/** A team's GPU-hours this month (in the viewer's time zone): the total, by GPU type, and by member. */
public final class TeamUsage {

    private TeamUsage() {
    }

    private record ThisMonth(List<UsageRow> byUser, List<UsageRow> byGpuType) {
    }

    /** Loads into {@code section}; call again to refresh. */
    public static void load(Section section, JobsClient jobs, String team) {
        LocalDate first = LocalDate.now(Formats.zone()).withDayOfMonth(1);
        var start = first.atStartOfDay(Formats.zone()).toInstant();
        var end = first.plusMonths(1).atStartOfDay(Formats.zone()).toInstant();
        section.load("team.load-gpu-hours", () -> new ThisMonth(
                        jobs.usage(new UsageQuery(start, end, UsageGrouping.USER, team)),
                        jobs.usage(new UsageQuery(start, end, UsageGrouping.GPU_TYPE, team))),
                month -> view(section, month));
    }

    private static Component view(Component where, ThisMonth month) {
        double total = month.byUser().stream().mapToDouble(UsageRow::gpuSeconds).sum() / 3600;
        VerticalLayout content = new VerticalLayout();
        content.setPadding(false);
        Paragraph sum = new Paragraph(where.getTranslation("team.gpu-hours.total", Formats.decimal(total)));
        sum.setId("team-gpu-hours-total");
        sum.getElement().setAttribute("data-gpu-hours", String.format(java.util.Locale.ROOT, "%.3f", total));
        content.add(sum);
        String byType = month.byGpuType().stream()
                .filter(row -> row.gpuSeconds() > 0)
                .map(row -> where.getTranslation("team.gpu-hours.of-type", row.key(), Formats.decimal(row.gpuHours())))
                .collect(Collectors.joining(" · "));
        if (!byType.isEmpty()) {
            Paragraph types = new Paragraph(byType);
            types.setId("team-gpu-hours-by-type");
            types.addClassName("portal-hint");
            content.add(types);
        }
        if (!month.byUser().isEmpty()) {
            content.add(UsageView.UsageGrid.of(where, UsageGrouping.USER, month.byUser()));
        }
        return content;
    }
}
