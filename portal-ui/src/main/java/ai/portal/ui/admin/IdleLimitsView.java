package ai.portal.ui.admin;

import java.util.Comparator;
import java.util.List;

import ai.portal.ui.backend.JobsApi.Settings;
import ai.portal.ui.backend.JobsApi.TeamIdleLimits;
import ai.portal.ui.backend.JobsApi.TeamIdleSettings;
import ai.portal.ui.backend.JobsClient;
import ai.portal.ui.backend.TenantApi.Team;
import ai.portal.ui.backend.TenantClient;
import ai.portal.ui.components.Async;
import ai.portal.ui.components.PortalView;
import ai.portal.ui.components.Problems;
import ai.portal.ui.components.Section;
import ai.portal.ui.components.Toasts;
import ai.portal.ui.i18n.Formats;
import ai.portal.ui.security.CurrentUser;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.RolesAllowed;

/**
 * When idle notebooks are stopped: the platform's limits (notebooks with and without GPUs, the warning before the stop,
 * the longest "keep running"), and teams that have limits of their own in place of the platform's.
 */
@Route("admin/idle-limits")
@RolesAllowed(CurrentUser.PLATFORM_ADMIN)
public class IdleLimitsView extends VerticalLayout implements PortalView {

    private static final int MAX_MINUTES = 30 * 24 * 60;

    private final JobsClient jobs;
    private final TenantClient tenants;
    private final Section platform;
    private final Section teams;

    public IdleLimitsView(JobsClient jobs, TenantClient tenants) {
        this.jobs = jobs;
        this.tenants = tenants;
        addClassName("portal-page");
        platform = new Section("idle-platform", getTranslation("admin.idle.platform"));
        teams = new Section("idle-teams", getTranslation("admin.idle.teams"));
        add(platform, teams);
        platform.load("admin.idle.load", jobs::settings, this::platformForm);
        teams.load("admin.idle.load", jobs::teamIdleOverrides, this::teamGrid);
    }

    private Component platformForm(Settings settings) {
        IntegerField cpu = minutes("idle-cpu-limit", "admin.idle.cpu-limit", 1, settings.notebookIdleLimitSeconds());
        IntegerField gpu = minutes("idle-gpu-limit", "admin.idle.gpu-limit", 1, settings.gpuNotebookIdleLimitSeconds());
        IntegerField warning = minutes("idle-warning", "admin.idle.warning", 0, settings.idleWarningSeconds());
        IntegerField keep = minutes("idle-max-keep", "admin.idle.max-keep", 0, settings.maxIdleExtensionSeconds());
        Paragraph error = problem();
        Button save = new Button(getTranslation("common.save"), VaadinIcon.CHECK.create());
        save.setId("idle-platform-save");
        save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        save.addClickListener(click -> {
            if (invalid(cpu, gpu, warning, keep)) {
                return;
            }
            Settings change = new Settings(settings.allowCustomImages(), seconds(cpu), seconds(gpu), seconds(warning),
                    seconds(keep));
            save.setEnabled(false);
            Async.run(UI.getCurrent(), () -> jobs.changeSettings(change), saved -> {
                save.setEnabled(true);
                error.setVisible(false);
                Toasts.success(getTranslation("admin.idle.saved"));
                teams.reload();
            }, failure -> {
                save.setEnabled(true);
                error.setText(Problems.message(this, "admin.idle.action.save", failure));
                error.setVisible(true);
            });
        });
        FormLayout form = new FormLayout(cpu, gpu, warning, keep);
        form.setId("idle-platform-form");
        return new Div(new Paragraph(getTranslation("admin.idle.platform.help")), form, error, save);
    }

    private Component teamGrid(List<TeamIdleSettings> overrides) {
        Button add = new Button(getTranslation("admin.idle.team-add"), VaadinIcon.PLUS.create(),
                click -> editTeam(null));
        add.setId("idle-team-add");
        Div content = new Div(new Paragraph(getTranslation("admin.idle.teams.help")), add);
        if (overrides.isEmpty()) {
            Paragraph none = new Paragraph(getTranslation("admin.idle.teams.none"));
            none.setId("idle-teams-none");
            content.add(none);
            return content;
        }
        Grid<TeamIdleSettings> grid = new Grid<>();
        grid.setId("idle-teams-grid");
        grid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_WRAP_CELL_CONTENT);
        grid.setAllRowsVisible(true);
        grid.addColumn(TeamIdleSettings::team).setHeader(getTranslation("admin.idle.team")).setAutoWidth(true);
        grid.addColumn(row -> limit(row.own().notebookIdleLimitSeconds(), row.effective().notebookIdleLimitSeconds()))
                .setHeader(getTranslation("admin.idle.cpu-limit"));
        grid.addColumn(row -> limit(row.own().gpuNotebookIdleLimitSeconds(),
                row.effective().gpuNotebookIdleLimitSeconds())).setHeader(getTranslation("admin.idle.gpu-limit"));
        grid.addColumn(row -> limit(row.own().maxIdleExtensionSeconds(), row.effective().maxIdleExtensionSeconds()))
                .setHeader(getTranslation("admin.idle.max-keep"));
        grid.addColumn(row -> getTranslation("admin.idle.changed", row.updatedBy(), Formats.dateTime(row.updatedAt())))
                .setHeader(getTranslation("admin.idle.changed-header"));
        grid.addComponentColumn(row -> {
            Button edit = new Button(VaadinIcon.EDIT.create(), click -> editTeam(row));
            edit.setId("idle-team-edit-" + row.team());
            edit.setAriaLabel(getTranslation("admin.idle.team-edit", row.team()));
            edit.setTooltipText(getTranslation("admin.idle.team-edit", row.team()));
            edit.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
            Button reset = new Button(getTranslation("admin.idle.team-reset"), click -> Async.run(UI.getCurrent(),
                    () -> jobs.resetTeamIdleLimits(row.team()), done -> {
                        Toasts.success(getTranslation("admin.idle.team-reset.done", row.team()));
                        teams.reload();
                    }, failure -> Toasts.failure(this, "admin.idle.action.reset", failure)));
            reset.setId("idle-team-reset-" + row.team());
            reset.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
            return new HorizontalLayout(edit, reset);
        }).setHeader(getTranslation("common.actions")).setAutoWidth(true);
        grid.setItems(overrides.stream().sorted(Comparator.comparing(TeamIdleSettings::team)).toList());
        content.add(grid);
        return content;
    }

    /** "2 h" for the team's own, "8 h (platform)" for one it follows. */
    private String limit(Long own, long effective) {
        String words = Formats.duration(java.time.Duration.ofSeconds(effective));
        return own == null ? getTranslation("admin.idle.follows-platform", words) : words;
    }

    /** A team's own limits, blank fields following the platform; {@code row} null for a team without any yet. */
    private void editTeam(TeamIdleSettings row) {
        Dialog dialog = new Dialog();
        dialog.setId("idle-team-dialog");
        dialog.setHeaderTitle(row == null ? getTranslation("admin.idle.team-add")
                : getTranslation("admin.idle.team-edit", row.team()));
        ComboBox<String> team = new ComboBox<>(getTranslation("admin.idle.team"));
        team.setId("idle-team");
        team.setRequired(true);
        TeamIdleLimits own = row == null ? new TeamIdleLimits(null, null, null) : row.own();
        IntegerField cpu = minutes("idle-team-cpu-limit", "admin.idle.cpu-limit", 1, own.notebookIdleLimitSeconds());
        IntegerField gpu = minutes("idle-team-gpu-limit", "admin.idle.gpu-limit", 1,
                own.gpuNotebookIdleLimitSeconds());
        IntegerField keep = minutes("idle-team-max-keep", "admin.idle.max-keep", 0, own.maxIdleExtensionSeconds());
        for (IntegerField field : List.of(cpu, gpu, keep)) {
            field.setPlaceholder(getTranslation("admin.idle.platform-placeholder"));
        }
        if (row == null) {
            Async.run(UI.getCurrent(), tenants::teams, all -> team.setItems(all.stream().map(Team::slug).sorted()
                    .toList()), failure -> team.setErrorMessage(Problems.message(this, "admin.idle.load", failure)));
        } else {
            team.setItems(row.team());
            team.setValue(row.team());
            team.setReadOnly(true);
        }
        Paragraph error = problem();
        Button save = new Button(getTranslation("common.save"));
        save.setId("idle-team-save");
        save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        save.addClickListener(click -> {
            team.setInvalid(team.getValue() == null);
            if (team.getValue() == null || invalid(cpu, gpu, keep)) {
                return;
            }
            TeamIdleLimits change = new TeamIdleLimits(seconds(cpu), seconds(gpu), seconds(keep));
            save.setEnabled(false);
            Async.run(UI.getCurrent(), () -> jobs.setTeamIdleLimits(team.getValue(), change), saved -> {
                Toasts.success(getTranslation("admin.idle.team-saved", saved.team()));
                dialog.close();
                teams.reload();
            }, failure -> {
                save.setEnabled(true);
                error.setText(Problems.message(this, "admin.idle.action.save", failure));
                error.setVisible(true);
            });
        });
        FormLayout form = new FormLayout(team, cpu, gpu, keep);
        dialog.add(new Paragraph(getTranslation("admin.idle.team.help")), form, error);
        dialog.getFooter().add(new Button(getTranslation("common.cancel"), click -> dialog.close()), save);
        dialog.open();
    }

    private IntegerField minutes(String id, String labelKey, int min, Long seconds) {
        IntegerField field = new IntegerField(getTranslation(labelKey));
        field.setId(id);
        field.setMin(min);
        field.setMax(MAX_MINUTES);
        field.setSuffixComponent(new Div(getTranslation("admin.idle.minutes")));
        field.setHelperText(getTranslation(labelKey + ".help"));
        if (seconds != null) {
            field.setValue((int) (seconds / 60));
        }
        return field;
    }

    private boolean invalid(IntegerField... fields) {
        boolean invalid = false;
        for (IntegerField field : fields) {
            boolean bad = field.isInvalid() || field.getValue() != null
                    && (field.getValue() < field.getMin() || field.getValue() > field.getMax());
            field.setErrorMessage(getTranslation("validation.range", field.getMin(), field.getMax()));
            field.setInvalid(bad);
            invalid |= bad;
        }
        return invalid;
    }

    private static Long seconds(IntegerField field) {
        return field.getValue() == null ? null : field.getValue() * 60L;
    }

    private Paragraph problem() {
        Paragraph error = new Paragraph();
        error.addClassName("portal-problem");
        error.getElement().setAttribute("role", "alert");
        error.setVisible(false);
        return error;
    }

    @Override
    public String viewTitle() {
        return getTranslation("admin.idle.title");
    }
}
