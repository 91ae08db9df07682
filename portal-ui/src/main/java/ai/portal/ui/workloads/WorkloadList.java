package ai.portal.ui.workloads;

import java.util.List;
import java.util.function.Consumer;

import ai.portal.ui.backend.JobsApi.Workload;
import ai.portal.ui.backend.JobsClient;
import ai.portal.ui.backend.TenantApi.Team;
import ai.portal.ui.i18n.Formats;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.badge.Badge;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.router.RouterLink;

/** A team's notebooks or jobs as a grid: name (to its detail), status with reason, queue and ETA, resources, owner. */
public final class WorkloadList {

    private WorkloadList() {
    }

    static Component grid(Component where, Team team, List<Workload> workloads, JobsClient jobs, boolean canLaunch,
                          Runnable afterChange, Consumer<Workload> resubmit, String emptyKey) {
        if (workloads.isEmpty()) {
            Paragraph none = new Paragraph(where.getTranslation(emptyKey));
            none.setId("no-workloads");
            return none;
        }
        Grid<Workload> grid = new Grid<>();
        grid.setId("workloads-grid");
        grid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_WRAP_CELL_CONTENT);
        grid.setAllRowsVisible(true);
        grid.addComponentColumn(workload -> {
            RouterLink link = new RouterLink(workload.name(), WorkloadView.class,
                    WorkloadView.parameters(team.slug(), workload.name()));
            link.setId("workload-" + workload.name());
            return link;
        }).setHeader(where.getTranslation("workload.name")).setAutoWidth(true).setFlexGrow(0);
        grid.addComponentColumn(workload -> status(where, workload)).setHeader(where.getTranslation("workload.status"))
                .setFlexGrow(3);
        grid.addColumn(workload -> WorkloadWords.resources(where, workload))
                .setHeader(where.getTranslation("workload.resources-header")).setFlexGrow(1);
        grid.addColumn(Workload::owner).setHeader(where.getTranslation("workload.owner")).setAutoWidth(true);
        grid.addColumn(workload -> Formats.dateTime(workload.createdAt()))
                .setHeader(where.getTranslation("workload.created")).setAutoWidth(true);
        grid.addComponentColumn(workload -> WorkloadActions.of(where, workload, jobs, canLaunch, afterChange,
                        resubmit == null ? null : () -> resubmit.accept(workload)))
                .setHeader(where.getTranslation("common.actions")).setAutoWidth(true);
        grid.setItems(workloads);
        return grid;
    }

    /** Phase badge, then why, then queue position and ETA, each on its own line. */
    public static Component status(Component where, Workload workload) {
        Badge phase = new Badge(WorkloadWords.phase(where, workload));
        phase.getElement().setAttribute("data-phase", workload.phase());
        phase.addClassName("portal-phase");
        phase.addClassName("portal-phase-" + workload.phase().toLowerCase(java.util.Locale.ROOT));
        Div status = new Div(phase);
        status.addClassName("portal-status");
        status.getElement().setAttribute("data-workload", workload.name());
        String reason = WorkloadWords.reason(where, workload);
        if (!reason.isBlank() && !"Running".equals(workload.phase())) {
            Span why = new Span(reason);
            why.addClassName("portal-reason");
            status.add(why);
        }
        String idle = WorkloadWords.idle(where, workload);
        if (!idle.isBlank()) {
            Span notice = new Span(idle);
            notice.addClassName("portal-idle");
            notice.getElement().setAttribute("role", "status");
            if (workload.status().idle().stopAt() != null) {
                notice.addClassName("portal-idle-warning");
            }
            status.add(notice);
        }
        String queue = WorkloadWords.queue(where, workload);
        if (!queue.isBlank()) {
            Span when = new Span(queue);
            when.addClassName("portal-queue");
            status.add(when);
        }
        return status;
    }
}
