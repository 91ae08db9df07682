package ai.portal.ui.usage;

import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;

import ai.portal.ui.backend.JobsApi.UsageGrouping;
import ai.portal.ui.backend.JobsApi.UsageQuery;
import ai.portal.ui.backend.JobsApi.UsageRow;
import ai.portal.ui.backend.JobsClient;
import ai.portal.ui.backend.TenantApi.Team;
import ai.portal.ui.backend.TenantClient;
import ai.portal.ui.components.PortalView;
import ai.portal.ui.components.Section;
import ai.portal.ui.i18n.Formats;
import ai.portal.ui.security.CurrentUser;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.datepicker.DatePicker;
import com.vaadin.flow.component.grid.ColumnTextAlign;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.streams.DownloadHandler;
import com.vaadin.flow.server.streams.DownloadResponse;
import jakarta.annotation.security.RolesAllowed;

/**
 * The usage report: GPU-, CPU- and memory-hours of what ran in a period (this month by default), by team, user or
 * GPU type, optionally of one team, from the job runner's Running intervals; and the same as a CSV file.
 */
@Route("admin/usage")
@RolesAllowed(CurrentUser.PLATFORM_ADMIN)
public class UsageView extends VerticalLayout implements PortalView {

    private final JobsClient jobs;
    private final DatePicker from = new DatePicker();
    private final DatePicker to = new DatePicker();
    private final Select<UsageGrouping> groupBy = new Select<>();
    private final ComboBox<String> team = new ComboBox<>();
    private final Section report;

    public UsageView(JobsClient jobs, TenantClient tenants) {
        this.jobs = jobs;
        addClassName("portal-page");
        LocalDate today = LocalDate.now(Formats.zone());
        from.setLabel(getTranslation("usage.from"));
        from.setId("usage-from");
        from.setValue(today.withDayOfMonth(1));
        from.setLocale(Formats.locale());
        to.setLabel(getTranslation("usage.to"));
        to.setId("usage-to");
        to.setValue(today);
        to.setLocale(Formats.locale());
        groupBy.setLabel(getTranslation("usage.group-by"));
        groupBy.setId("usage-group-by");
        groupBy.setItems(UsageGrouping.values());
        groupBy.setItemLabelGenerator(grouping -> getTranslation("usage.by." + grouping.wire()));
        groupBy.setValue(UsageGrouping.TEAM);
        team.setLabel(getTranslation("usage.team"));
        team.setId("usage-team");
        team.setClearButtonVisible(true);
        team.setPlaceholder(getTranslation("usage.all-teams"));
        Anchor csv = new Anchor(DownloadHandler.fromInputStream(event -> {
            UsageQuery query = query();
            byte[] bytes = jobs.usageCsv(query);
            return new DownloadResponse(new ByteArrayInputStream(bytes), fileName(query), "text/csv", bytes.length);
        }), "");
        csv.add(VaadinIcon.DOWNLOAD.create());
        csv.add(getTranslation("usage.csv"));
        csv.setId("usage-csv");
        csv.addClassName("portal-button-link");
        HorizontalLayout filters = new HorizontalLayout(from, to, groupBy, team, csv);
        filters.setWrap(true);
        filters.setAlignItems(FlexComponent.Alignment.BASELINE);
        filters.setId("usage-filters");
        report = new Section("usage-report", getTranslation("usage.report"));
        add(filters, report);
        from.addValueChangeListener(change -> load());
        to.addValueChangeListener(change -> load());
        groupBy.addValueChangeListener(change -> load());
        team.addValueChangeListener(change -> load());
        load();
        UI ui = UI.getCurrent();
        ai.portal.ui.components.Async.run(ui, tenants::teams,
                teams -> team.setItems(teams.stream().map(Team::slug).sorted().toList()), failure -> { });
    }

    /** The period as the user picked it, in their time zone: from the first day's start to the last day's end. */
    UsageQuery query() {
        LocalDate first = from.getValue() != null ? from.getValue() : LocalDate.now(Formats.zone()).withDayOfMonth(1);
        LocalDate last = to.getValue() != null ? to.getValue() : LocalDate.now(Formats.zone());
        Instant start = first.atStartOfDay(Formats.zone()).toInstant();
        Instant end = last.plusDays(1).atStartOfDay(Formats.zone()).toInstant();
        return new UsageQuery(start, end, groupBy.getValue(), team.getValue());
    }

    private static String fileName(UsageQuery query) {
        return "usage-" + query.groupBy().wire() + "-" + query.from().truncatedTo(ChronoUnit.DAYS).toString()
                .substring(0, 10) + (query.team() == null ? "" : "-" + query.team()) + ".csv";
    }

    private void load() {
        if (from.getValue() != null && to.getValue() != null && to.getValue().isBefore(from.getValue())) {
            to.setErrorMessage(getTranslation("usage.to-before-from"));
            to.setInvalid(true);
            return;
        }
        to.setInvalid(false);
        UsageQuery query = query();
        report.load("usage.load", () -> jobs.usage(query), rows -> grid(query, rows));
    }

    private Component grid(UsageQuery query, List<UsageRow> rows) {
        if (rows.isEmpty()) {
            Paragraph none = new Paragraph(getTranslation("usage.none"));
            none.setId("usage-none");
            return none;
        }
        return UsageGrid.of(this, query.groupBy(), rows);
    }

    @Override
    public String viewTitle() {
        return getTranslation("usage.title");
    }

    /** A usage table with a total row; shared by the report and a team's page. */
    static final class UsageGrid {

        private UsageGrid() {
        }

        static Grid<UsageRow> of(Component where, UsageGrouping grouping, List<UsageRow> rows) {
            Grid<UsageRow> grid = new Grid<>();
            grid.setId("usage-grid");
            grid.addThemeVariants(GridVariant.LUMO_COMPACT);
            grid.setAllRowsVisible(true);
            var key = grid.addColumn(row -> row.key() == null || row.key().isEmpty()
                            ? where.getTranslation("usage.cpu-only") : row.key())
                    .setHeader(where.getTranslation("usage.by." + grouping.wire())).setAutoWidth(true)
                    .setSortable(true);
            var gpu = grid.addColumn(row -> Formats.decimal(row.gpuSeconds() / 3600))
                    .setHeader(where.getTranslation("usage.gpu-hours")).setTextAlign(ColumnTextAlign.END)
                    .setComparator(UsageRow::gpuSeconds).setSortable(true);
            var cpu = grid.addColumn(row -> Formats.decimal(row.cpuSeconds() / 3600))
                    .setHeader(where.getTranslation("usage.cpu-hours")).setTextAlign(ColumnTextAlign.END)
                    .setComparator(UsageRow::cpuSeconds).setSortable(true);
            var memory = grid.addColumn(row -> Formats.decimal(row.memoryGibSeconds() / 3600))
                    .setHeader(where.getTranslation("usage.memory-hours")).setTextAlign(ColumnTextAlign.END)
                    .setComparator(UsageRow::memoryGibSeconds).setSortable(true);
            var run = grid.addColumn(row -> Formats.decimal(row.runSeconds() / 3600))
                    .setHeader(where.getTranslation("usage.run-hours")).setTextAlign(ColumnTextAlign.END)
                    .setComparator(UsageRow::runSeconds).setSortable(true);
            var workloads = grid.addColumn(UsageRow::workloads).setHeader(where.getTranslation("usage.workloads"))
                    .setTextAlign(ColumnTextAlign.END).setSortable(true);
            var total = grid.appendFooterRow();
            total.getCell(key).setText(where.getTranslation("usage.total"));
            total.getCell(gpu).setText(Formats.decimal(rows.stream().mapToDouble(UsageRow::gpuSeconds).sum() / 3600));
            total.getCell(cpu).setText(Formats.decimal(rows.stream().mapToDouble(UsageRow::cpuSeconds).sum() / 3600));
            total.getCell(memory).setText(Formats.decimal(
                    rows.stream().mapToDouble(UsageRow::memoryGibSeconds).sum() / 3600));
            total.getCell(run).setText(Formats.decimal(rows.stream().mapToDouble(UsageRow::runSeconds).sum() / 3600));
            total.getCell(workloads).setText(String.valueOf(rows.stream().mapToLong(UsageRow::workloads).sum()));
            grid.setItems(rows.stream().sorted((a, b) -> Double.compare(b.gpuSeconds(), a.gpuSeconds())).toList());
            return grid;
        }
    }
}
