package ai.portal.ui.workloads;

import ai.portal.ui.backend.JobsApi.Workload;
import ai.portal.ui.backend.JobsClient;
import ai.portal.ui.components.Async;
import ai.portal.ui.components.Toasts;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.AnchorTarget;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;

/**
 * The buttons a workload offers in its state: Open, Keep running (a notebook warned that it will be stopped for being
 * idle), Stop, Start (notebooks), Cancel, Resubmit (jobs), Delete.
 */
final class WorkloadActions {

    private WorkloadActions() {
    }

    static Component of(Component where, Workload workload, JobsClient jobs, boolean canAct, Runnable afterChange,
                        Runnable resubmit) {
        HorizontalLayout actions = new HorizontalLayout();
        actions.setSpacing(false);
        actions.addClassName("portal-actions");
        String phase = workload.phase();
        if (workload.notebook() && "Running".equals(phase) && workload.url() != null) {
            Anchor open = new Anchor(jobs.openUrl(workload), where.getTranslation("notebooks.open"),
                    AnchorTarget.BLANK);
            open.setId("open-" + workload.name());
            open.addClassName("portal-button-link");
            open.getElement().setAttribute("rel", "noopener");
            open.getElement().setAttribute("aria-label", where.getTranslation("notebooks.open-named", workload.name()));
            actions.add(open);
        }
        if (!canAct) {
            return actions;
        }
        if (workload.notebook()) {
            if ("Running".equals(phase) && workload.status() != null && workload.status().idle() != null
                    && workload.status().idle().stopAt() != null) {
                actions.add(button(where, "keep", workload, VaadinIcon.TIMER, () -> jobs.extendIdle(workload.team(),
                        workload.name(), keepFor(jobs, workload.team())), "notebooks.kept", "notebooks.action.keep",
                        afterChange));
            }
            if ("Running".equals(phase) || "Pending".equals(phase)) {
                actions.add(button(where, "stop", workload, VaadinIcon.STOP, () -> jobs.stopNotebook(workload.team(),
                        workload.name()), "notebooks.stopped", "notebooks.action.stop", afterChange));
            }
            if ("Stopped".equals(phase) || "Failed".equals(phase)) {
                actions.add(button(where, "start", workload, VaadinIcon.PLAY, () -> jobs.startNotebook(workload.team(),
                        workload.name()), "notebooks.started", "notebooks.action.start", afterChange));
            }
        } else {
            if ("Running".equals(phase) || "Pending".equals(phase)) {
                actions.add(button(where, "cancel", workload, VaadinIcon.CLOSE_CIRCLE, () -> jobs.cancelJob(
                        workload.team(), workload.name()), "jobs.cancelled", "jobs.action.cancel", afterChange));
            }
            if (resubmit != null) {
                Button again = new Button(where.getTranslation("jobs.resubmit"), VaadinIcon.REFRESH.create(),
                        click -> resubmit.run());
                again.setId("resubmit-" + workload.name());
                again.addThemeVariants(ButtonVariant.LUMO_TERTIARY, ButtonVariant.LUMO_SMALL);
                actions.add(again);
            }
        }
        Button delete = new Button(VaadinIcon.TRASH.create(), click -> confirmDelete(where, workload, jobs, afterChange));
        delete.setId("delete-" + workload.name());
        delete.setAriaLabel(where.getTranslation("workload.delete", workload.name()));
        delete.setTooltipText(where.getTranslation("workload.delete", workload.name()));
        delete.addThemeVariants(ButtonVariant.LUMO_TERTIARY, ButtonVariant.LUMO_ERROR, ButtonVariant.LUMO_SMALL);
        actions.add(delete);
        return actions;
    }

    /** Two hours, or the team's bound when that is shorter. */
    private static long keepFor(JobsClient jobs, String team) {
        return Math.min(KEEP_FOR_SECONDS, jobs.teamIdleLimits(team).effective().maxIdleExtensionSeconds());
    }

    private static final long KEEP_FOR_SECONDS = 2 * 3600;

    private static Button button(Component where, String action, Workload workload, VaadinIcon icon,
                                 java.util.function.Supplier<Workload> call, String doneKey, String whatKey,
                                 Runnable afterChange) {
        Button button = new Button(where.getTranslation("workload." + action), icon.create());
        button.setId(action + "-" + workload.name());
        button.addThemeVariants(ButtonVariant.LUMO_TERTIARY, ButtonVariant.LUMO_SMALL);
        button.addClickListener(click -> {
            button.setEnabled(false);
            Async.run(UI.getCurrent(), call, done -> {
                Toasts.success(where.getTranslation(doneKey, workload.name()));
                afterChange.run();
            }, failure -> {
                button.setEnabled(true);
                Toasts.failure(where, whatKey, failure);
            });
        });
        return button;
    }

    private static void confirmDelete(Component where, Workload workload, JobsClient jobs, Runnable afterChange) {
        ConfirmDialog confirm = new ConfirmDialog();
        confirm.setId("confirm-delete-workload");
        confirm.setHeader(where.getTranslation("workload.delete", workload.name()));
        confirm.setText(where.getTranslation(workload.notebook() ? "notebooks.delete.text" : "jobs.delete.text",
                workload.name()));
        Checkbox workspace = new Checkbox(where.getTranslation("notebooks.delete.workspace"));
        workspace.setId("delete-workspace");
        if (workload.notebook()) {
            confirm.add(workspace);
        }
        confirm.setCancelable(true);
        confirm.setCancelText(where.getTranslation("common.cancel"));
        confirm.setConfirmText(where.getTranslation("common.delete"));
        confirm.setConfirmButtonTheme("error primary");
        confirm.addConfirmListener(ok -> Async.run(UI.getCurrent(), () -> {
            if (workload.notebook()) {
                jobs.deleteNotebook(workload.team(), workload.name(), workspace.getValue());
            } else {
                jobs.deleteJob(workload.team(), workload.name());
            }
            return workload;
        }, deleted -> {
            Toasts.success(where.getTranslation("workload.deleted", deleted.name()));
            afterChange.run();
        }, failure -> Toasts.failure(where, "workload.action.delete", failure)));
        confirm.open();
    }
}
