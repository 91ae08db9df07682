package ai.portal.ui.admin;

import java.util.List;

import ai.portal.ui.backend.TenantApi.Team;
import ai.portal.ui.backend.TenantClient;
import ai.portal.ui.components.Async;
import ai.portal.ui.components.PortalView;
import ai.portal.ui.components.Section;
import ai.portal.ui.components.Toasts;
import ai.portal.ui.i18n.Formats;
import ai.portal.ui.live.LiveUpdates;
import ai.portal.ui.live.Topic;
import ai.portal.ui.security.CurrentUser;
import ai.portal.ui.team.TeamView;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.badge.Badge;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouteParameters;
import com.vaadin.flow.router.RouterLink;
import jakarta.annotation.security.RolesAllowed;

/** Every team, its status live; create, set quota, archive, delete. */
@Route("admin/teams")
@RolesAllowed(CurrentUser.PLATFORM_ADMIN)
public class TeamsAdminView extends VerticalLayout implements PortalView {

    private final TenantClient tenants;
    private final Section teams;

    public TeamsAdminView(TenantClient tenants, LiveUpdates live) {
        this.tenants = tenants;
        live.whileAttached(this, Topic.admin(), this::reload);
        addClassName("portal-page");
        Button create = new Button(getTranslation("admin.teams.create"), VaadinIcon.PLUS.create());
        create.setId("create-team");
        create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        create.addClickListener(click -> new CreateTeamDialog(tenants, this::reload).open());
        teams = new Section("admin-teams", getTranslation("admin.teams.all"));
        add(create, teams);
        teams.load("admin.teams.load", tenants::teams, this::grid);
    }

    void reload() {
        teams.reload();
    }

    private Component grid(List<Team> list) {
        Grid<Team> grid = new Grid<>();
        grid.setId("teams-grid");
        grid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_WRAP_CELL_CONTENT);
        grid.setAllRowsVisible(true);
        grid.addComponentColumn(team -> {
            RouterLink link = new RouterLink(team.displayName(), TeamView.class,
                    new RouteParameters(TeamView.TEAM, team.slug()));
            link.setId("admin-team-" + team.slug());
            return link;
        }).setHeader(getTranslation("admin.teams.name")).setAutoWidth(true);
        grid.addColumn(Team::slug).setHeader(getTranslation("admin.teams.slug")).setAutoWidth(true);
        grid.addComponentColumn(team -> {
            Badge phase = new Badge(getTranslation("team-phase." + team.phase()));
            phase.getElement().setAttribute("data-team", team.slug());
            phase.getElement().setAttribute("data-phase", team.phase());
            phase.addClassName("portal-team-phase");
            HorizontalLayout badges = new HorizontalLayout(phase);
            if (team.archived()) {
                badges.add(new Badge(getTranslation("team-state.archived")));
            }
            return badges;
        }).setHeader(getTranslation("admin.teams.status")).setAutoWidth(true);
        grid.addColumn(team -> Formats.date(team.createdAt())).setHeader(getTranslation("admin.teams.created"))
                .setAutoWidth(true);
        grid.addComponentColumn(this::actions).setHeader(getTranslation("common.actions")).setAutoWidth(true);
        grid.setItems(list);
        return grid;
    }

    private Component actions(Team team) {
        Button quota = new Button(getTranslation("admin.teams.quota"), VaadinIcon.SLIDERS.create(),
                click -> new QuotaEditorDialog(tenants, team, this::reload).open());
        quota.setId("quota-" + team.slug());
        quota.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
        Button archive = new Button(getTranslation(team.archived() ? "admin.teams.unarchive" : "admin.teams.archive"),
                click -> Async.run(UI.getCurrent(), () -> tenants.archive(team.slug(), !team.archived()),
                        changed -> {
                            Toasts.success(getTranslation(changed.archived() ? "admin.teams.archived"
                                    : "admin.teams.unarchived", changed.displayName()));
                            reload();
                        },
                        failure -> Toasts.failure(this, "admin.teams.action.archive", failure)));
        archive.setId("archive-" + team.slug());
        archive.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
        Button delete = new Button(getTranslation("common.delete"), VaadinIcon.TRASH.create(),
                click -> confirmDelete(team, false));
        delete.setId("delete-" + team.slug());
        delete.addThemeVariants(ButtonVariant.LUMO_TERTIARY, ButtonVariant.LUMO_ERROR);
        HorizontalLayout actions = new HorizontalLayout(quota, archive, delete);
        actions.setSpacing(false);
        return actions;
    }

    private void confirmDelete(Team team, boolean force) {
        ConfirmDialog confirm = new ConfirmDialog(
                getTranslation("admin.teams.delete.title", team.displayName()),
                getTranslation(force ? "admin.teams.delete.force-text" : "admin.teams.delete.text", team.displayName(),
                        team.namespace()),
                getTranslation(force ? "admin.teams.delete.force" : "common.delete"),
                ok -> Async.run(UI.getCurrent(), () -> tenants.deleteTeam(team.slug(), force),
                        deleted -> {
                            Toasts.success(getTranslation("admin.teams.deleted", team.displayName()));
                            reload();
                        },
                        failure -> {
                            if (failure.conflict() && !force) {
                                confirmDelete(team, true);
                            } else {
                                Toasts.failure(this, "admin.teams.action.delete", failure);
                            }
                        }));
        confirm.setId("confirm-delete");
        confirm.setCancelable(true);
        confirm.setCancelText(getTranslation("common.cancel"));
        confirm.setConfirmButtonTheme("error primary");
        confirm.open();
    }

    @Override
    public String viewTitle() {
        return getTranslation("admin.teams.title");
    }
}
