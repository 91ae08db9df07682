package ai.portal.ui.workloads;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import ai.portal.ui.backend.BackendException;
import ai.portal.ui.backend.JobsApi.Detail;
import ai.portal.ui.backend.JobsApi.Event;
import ai.portal.ui.backend.JobsApi.HistoryEntry;
import ai.portal.ui.backend.JobsApi.PeakUsage;
import ai.portal.ui.backend.JobsApi.RightSizing;
import ai.portal.ui.backend.JobsApi.SizedResource;
import ai.portal.ui.backend.JobsApi.Workload;
import ai.portal.ui.backend.JobsClient;
import ai.portal.ui.backend.LogsClient;
import ai.portal.ui.backend.MetricsClient;
import ai.portal.ui.backend.TenantApi.Team;
import ai.portal.ui.backend.TenantClient;
import ai.portal.ui.components.Async;
import ai.portal.ui.components.PortalView;
import ai.portal.ui.components.Section;
import ai.portal.ui.components.Toasts;
import ai.portal.ui.i18n.Formats;
import ai.portal.ui.live.Beat;
import ai.portal.ui.live.LiveUpdates;
import ai.portal.ui.live.Topic;
import ai.portal.ui.live.ViewWatches;
import ai.portal.ui.metrics.GpuPanels;
import ai.portal.ui.quota.Quantities;
import ai.portal.ui.security.CurrentUser;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.badge.Badge;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.ListItem;
import com.vaadin.flow.component.html.OrderedList;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.NotFoundException;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouteParameters;
import com.vaadin.flow.shared.Registration;
import jakarta.annotation.security.RolesAllowed;

/**
 * One notebook or job: its status now (why it waits, its place in the queue and when it should start), its status
 * timeline, the Kubernetes events in plain words, and its log, live. Updates by push.
 */
@Route("teams/:team/workloads/:name")
@RolesAllowed({CurrentUser.DATA_SCIENTIST, CurrentUser.PLATFORM_ADMIN})
public class WorkloadView extends VerticalLayout implements PortalView, BeforeEnterObserver {

    public static final String NAME = "name";

    /** How often the right-sizing figures are read again while the page is open. */
    static final Duration RIGHT_SIZING_REFRESH = Duration.ofSeconds(30);

    private final TenantClient tenants;
    private final JobsClient jobs;
    private final LogsClient logs;
    private final MetricsClient metrics;
    private final ViewWatches watches;
    private Team team;
    private String name;
    private final Div summary = new Div();
    private Section timeline;
    private Section events;
    private Section rightSizing;
    private Registration sizingBeat;
    /** Whether what the page shows is running: only then do its right-sizing figures move. */
    private boolean running;

    public WorkloadView(TenantClient tenants, JobsClient jobs, LogsClient logs, MetricsClient metrics,
                        LiveUpdates live) {
        this.tenants = tenants;
        this.jobs = jobs;
        this.logs = logs;
        this.metrics = metrics;
        this.watches = live.watchesOf(this);
        addClassName("portal-page");
    }

    public static RouteParameters parameters(String team, String name) {
        return new RouteParameters(Map.of(TeamGate.TEAM, team, NAME, name));
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        var found = TeamGate.enter(event, tenants);
        if (found.isEmpty()) {
            return;
        }
        team = found.get();
        name = event.getRouteParameters().get(NAME).orElse("");
        Detail detail;
        try {
            detail = jobs.detail(team.slug(), name);
        } catch (BackendException failure) {
            if (failure.notFoundOrForbidden()) {
                event.rerouteToError(NotFoundException.class);
                return;
            }
            throw failure;
        }
        removeAll();
        summary.setId("workload-summary");
        summary.addClassName("portal-card");
        timeline = new Section("workload-timeline", getTranslation("workload.timeline"));
        events = new Section("workload-events", getTranslation("workload.events"));
        rightSizing = new Section("workload-right-sizing", getTranslation("workload.right-sizing"));
        Section logSection = new Section("workload-logs", getTranslation("workload.logs"));
        logSection.show(new LogTail(logs, team.slug(), name));
        Section gpu = new Section("workload-gpu", getTranslation("workload.gpu"));
        var spec = detail.workload().spec();
        if (spec != null && spec.gpus() > 0) {
            gpu.show(GpuPanels.workload(metrics, team.slug(), name));
        } else {
            Paragraph none = new Paragraph(getTranslation("workload.gpu.none"));
            none.setId("workload-no-gpu");
            gpu.show(none);
        }
        add(summary, timeline, events, rightSizing, logSection, gpu);
        show(detail);
        watches.clear().add(Topic.workloads(team.slug()), name, event.getUI(), this::refresh);
        // the peak usage grows and the recommendation moves on Prometheus's and the recommender's clocks, which
        // push nothing: read again on a slow beat while the page is open (the rest is pushed by the watch above)
        if (sizingBeat != null) {
            sizingBeat.remove();
        }
        sizingBeat = Beat.every(event.getUI(), RIGHT_SIZING_REFRESH, () -> {
            if (running) {
                refresh();
            }
        });
    }

    @Override
    protected void onDetach(DetachEvent detach) {
        if (sizingBeat != null) {
            sizingBeat.remove();
            sizingBeat = null;
        }
    }

    private void refresh() {
        Async.run(UI.getCurrent(), () -> jobs.detail(team.slug(), name), this::show, failure -> {
            if (failure.notFoundOrForbidden()) {
                summary.removeAll();
                Paragraph gone = new Paragraph(getTranslation("workload.gone"));
                gone.setId("workload-gone");
                summary.add(gone);
            }
        });
    }

    private void show(Detail detail) {
        var workload = detail.workload();
        running = "Running".equals(workload.phase());
        summary.removeAll();
        Badge kind = new Badge(getTranslation("kind." + workload.kind()));
        Span owner = new Span(getTranslation("workload.launched-by", workload.owner(),
                Formats.dateTime(workload.createdAt())));
        owner.addClassName("portal-hint");
        Paragraph resources = new Paragraph(WorkloadWords.resources(this, workload));
        resources.setId("workload-resources");
        boolean canAct = TeamGate.canLaunch(team);
        summary.add(new Div(kind), WorkloadList.status(this, workload), resources);
        if (workload.spec() != null && workload.spec().gpus() > 0 && workload.spec().schedulerName() != null) {
            Paragraph placement = new Paragraph(getTranslation("workload.placement",
                    WorkloadWords.placement(this, workload.spec().schedulerName())));
            placement.setId("workload-placement");
            summary.add(placement);
        }
        summary.add(owner, WorkloadActions.of(this, workload, jobs, canAct, this::refresh, null));
        if (workload.status() != null && workload.status().exit() != null && workload.status().exit().code() != null) {
            Paragraph exit = new Paragraph(getTranslation("workload.exit", workload.status().exit().code(),
                    workload.status().exit().reason() == null ? "" : workload.status().exit().reason()));
            exit.setId("workload-exit");
            summary.add(exit);
        }
        timeline.show(timelineView(detail.history()));
        events.show(eventsView(detail.events()));
        rightSizing.show(new Div(peakUsageView(detail.peakUsage(), workload),
                rightSizingView(detail.rightSizing(), workload)));
    }

    /**
     * "CPU: requested 2, used at most 0.21 over 7 days": the busiest moment Prometheus saw, beside the request, so a
     * user sees at once how much of what the team pays for in quota the workload ever needed.
     */
    private Component peakUsageView(PeakUsage peak, Workload workload) {
        Div lines = new Div();
        lines.setId("peak-usage");
        if (peak == null || peak.since() == null || peak.until() == null) {
            return lines;
        }
        String over = Formats.duration(Duration.between(peak.since(), peak.until()));
        if (peak.cpu() != null && workload.spec().cpu() != null) {
            Paragraph cpu = new Paragraph(getTranslation("workload.peak-usage.cpu",
                    Formats.cores(Quantities.value(workload.spec().cpu())), Formats.cores(peak.cpu()), over));
            cpu.getElement().setAttribute("data-resource", "cpu");
            lines.add(cpu);
        }
        if (peak.memory() != null && workload.spec().memory() != null) {
            Paragraph memory = new Paragraph(getTranslation("workload.peak-usage.memory",
                    Formats.bytes(Quantities.value(workload.spec().memory())), Formats.bytes(peak.memory()), over));
            memory.getElement().setAttribute("data-resource", "memory");
            lines.add(memory);
        }
        return lines;
    }

    /**
     * "Requested 2 CPU, recommended 0.23 (0.03 – 1.2)": the VPA recommender's view of what the container needs,
     * from its measured usage, beside what it asks for; a request above the recommendation's upper bound is called out.
     */
    private Component rightSizingView(RightSizing sizing, Workload workload) {
        if (!"ready".equals(sizing.state())) {
            Paragraph why = new Paragraph(getTranslation("workload.right-sizing." + sizing.state()));
            why.setId("right-sizing-" + sizing.state());
            return why;
        }
        Div lines = new Div();
        lines.setId("right-sizing");
        if (sizing.measuredSince() != null && sizing.measuredUntil() != null) {
            Span basis = new Span(getTranslation("workload.right-sizing.basis", Formats.duration(
                    java.time.Duration.between(sizing.measuredSince(), sizing.measuredUntil())), sizing.samples()));
            basis.addClassName("portal-hint");
            lines.add(basis);
        }
        for (SizedResource resource : sizing.resources()) {
            boolean cpu = "cpu".equals(resource.name());
            java.util.function.Function<java.math.BigDecimal, String> amount = cpu ? Formats::cores : Formats::bytes;
            Paragraph line = new Paragraph(getTranslation(cpu ? "workload.right-sizing.cpu"
                            : "workload.right-sizing.memory", amount.apply(resource.requested()),
                    amount.apply(resource.target()),
                    amount.apply(resource.lowerBound()), amount.apply(resource.upperBound())));
            line.getElement().setAttribute("data-resource", resource.name());
            lines.add(line);
            if (resource.requested().compareTo(resource.upperBound()) > 0) {
                Span over = new Span(getTranslation("workload.right-sizing.over", amount.apply(resource.target())));
                over.addClassName("portal-hint");
                over.getElement().setAttribute("data-over", resource.name());
                lines.add(over);
            }
        }
        if (workload.notebook() && TeamGate.canLaunch(team) && sizing.resources().size() == 2) {
            lines.add(applyButton(workload, sizing));
        }
        return lines;
    }

    /**
     * Applies the recommendation to a notebook: its requests become the targets (CPU rounded up to 10 millicores,
     * memory up to a mebibyte), after a confirmation that says a running notebook restarts (its workspace is kept).
     */
    private Component applyButton(Workload workload, RightSizing sizing) {
        String cpu = Quantities.cpuRequest(sizing.resources().get(0).target());
        String memory = Quantities.memoryRequest(sizing.resources().get(1).target(), 1);
        Button apply = new Button(getTranslation("workload.right-sizing.apply"));
        apply.setId("right-sizing-apply");
        apply.addThemeVariants(ButtonVariant.LUMO_SMALL);
        apply.addClickListener(click -> {
            ConfirmDialog confirm = new ConfirmDialog();
            confirm.setId("right-sizing-confirm");
            confirm.setHeader(getTranslation("workload.right-sizing.apply"));
            confirm.setText(getTranslation(workload.status() != null && "Running".equals(workload.status().phase())
                    ? "workload.right-sizing.apply.running" : "workload.right-sizing.apply.stopped",
                    Formats.cores(sizing.resources().get(0).target()),
                    Formats.bytes(sizing.resources().get(1).target())));
            confirm.setCancelable(true);
            confirm.setCancelText(getTranslation("common.cancel"));
            confirm.setConfirmText(getTranslation("workload.right-sizing.apply.confirm"));
            confirm.addConfirmListener(ok -> {
                apply.setEnabled(false);
                Async.run(UI.getCurrent(), () -> jobs.resizeNotebook(team.slug(), name, cpu, memory), done -> {
                    Toasts.success(getTranslation("workload.right-sizing.applied", name));
                    refresh();
                }, failure -> {
                    apply.setEnabled(true);
                    Toasts.failure(this, "workload.right-sizing.action", failure);
                });
            });
            confirm.open();
        });
        return apply;
    }

    private Component timelineView(List<HistoryEntry> history) {
        if (history.isEmpty()) {
            return new Paragraph(getTranslation("workload.timeline.none"));
        }
        OrderedList list = new OrderedList();
        list.setId("timeline");
        list.addClassName("portal-timeline");
        for (HistoryEntry entry : history) {
            String what = entry.phase() != null ? getTranslation("phase." + entry.phase())
                    : getTranslation("history." + entry.type());
            String why = entry.message() != null && !entry.message().isBlank() ? entry.message()
                    : entry.reason() == null ? "" : entry.reason();
            Span when = new Span(Formats.dateTime(entry.at()));
            when.addClassName("portal-hint");
            ListItem item = new ListItem(when, new Span(" " + what), new Span(why.isEmpty() ? "" : " — " + why));
            item.getElement().setAttribute("data-type", entry.type());
            list.add(item);
        }
        return list;
    }

    private Component eventsView(List<Event> list) {
        if (list.isEmpty()) {
            return new Paragraph(getTranslation("workload.events.none"));
        }
        Grid<Event> grid = new Grid<>();
        grid.setId("events-grid");
        grid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_WRAP_CELL_CONTENT);
        grid.setAllRowsVisible(true);
        grid.addColumn(event -> Formats.dateTime(event.at())).setHeader(getTranslation("common.when")).setAutoWidth(true);
        grid.addComponentColumn(event -> {
            Badge type = new Badge(getTranslation("Warning".equals(event.type()) ? "event.warning" : "event.normal"));
            return type;
        }).setHeader(getTranslation("workload.event.type")).setAutoWidth(true);
        grid.addColumn(Event::text).setHeader(getTranslation("workload.event.text")).setFlexGrow(3);
        grid.addColumn(Event::object).setHeader(getTranslation("workload.event.object")).setAutoWidth(true);
        grid.addColumn(Event::count).setHeader(getTranslation("workload.event.count")).setAutoWidth(true);
        grid.setItems(list);
        return grid;
    }

    @Override
    public String viewTitle() {
        return name == null ? getTranslation("workload.title") : getTranslation("workload.title-of", name);
    }
}
