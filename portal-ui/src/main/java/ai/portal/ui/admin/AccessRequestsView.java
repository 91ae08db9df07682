package ai.portal.ui.admin;

import java.util.List;

import ai.portal.ui.backend.TenantApi.AccessApproval;
import ai.portal.ui.backend.TenantApi.AccessRequest;
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
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.tabs.Tabs;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.RolesAllowed;

/**
 * Access requests of people signed in without a portal role: pending ones to approve (the data-scientist role, and
 * optionally a team with a role in it) or reject with a reason the requester reads, and the decided ones. Follows
 * new requests live, as the quota requests view does.
 */
@Route("admin/access-requests")
@RolesAllowed(CurrentUser.PLATFORM_ADMIN)
public class AccessRequestsView extends VerticalLayout implements PortalView {

    public static final List<String> STATUSES = List.of("pending", "approved", "rejected", "withdrawn");
    static final List<String> TEAM_ROLES = List.of("member", "viewer", "owner");

    private final TenantClient tenants;
    private final Section requests;
    private String status = "pending";

    public AccessRequestsView(TenantClient tenants, LiveUpdates live) {
        this.tenants = tenants;
        live.whileAttached(this, Topic.admin(), this::load);
        addClassName("portal-page");
        requests = new Section("admin-access-requests", getTranslation("admin.access.heading"));
        Tabs tabs = new StatusTabs("access-status-tabs", STATUSES, chosen -> {
            status = chosen;
            load();
        });
        add(tabs, requests);
        load();
    }

    private void load() {
        String wanted = status;
        requests.load("admin.access.load", () -> tenants.accessRequestsWithStatus(wanted), this::grid);
    }

    private Component grid(List<AccessRequest> list) {
        if (list.isEmpty()) {
            Paragraph none = new Paragraph(getTranslation("admin.access.none"));
            none.setId("no-access-requests");
            return none;
        }
        Grid<AccessRequest> grid = new Grid<>();
        grid.setId("access-requests-grid");
        grid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_WRAP_CELL_CONTENT);
        grid.setAllRowsVisible(true);
        grid.addColumn(request -> request.name() == null || request.name().isBlank() ? request.username()
                        : getTranslation("admin.access.who", request.name(), request.username()))
                .setHeader(getTranslation("admin.access.requester")).setAutoWidth(true);
        grid.addColumn(AccessRequest::email).setHeader(getTranslation("admin.access.email")).setAutoWidth(true);
        grid.addColumn(request -> Formats.dateTime(request.createdAt())).setHeader(getTranslation("common.when"))
                .setAutoWidth(true);
        grid.addColumn(request -> request.team() == null ? "" : request.team())
                .setHeader(getTranslation("admin.access.team")).setAutoWidth(true);
        grid.addColumn(AccessRequest::reason).setHeader(getTranslation("admin.access.reason")).setFlexGrow(2);
        if ("pending".equals(status)) {
            grid.addComponentColumn(this::decide).setHeader(getTranslation("common.actions")).setAutoWidth(true);
        } else {
            grid.addColumn(this::decision).setHeader(getTranslation("admin.access.decided")).setFlexGrow(2);
        }
        grid.setItems(list);
        return grid;
    }

    private String decision(AccessRequest request) {
        String reason = request.decisionReason() == null ? "" : request.decisionReason();
        if (request.grantedTeam() != null) {
            return getTranslation("admin.access.decision-team", request.decidedBy(), request.grantedTeam(),
                    getTranslation("team-role." + request.grantedTeamRole()), reason);
        }
        return getTranslation("admin.access.decision", request.decidedBy(), reason);
    }

    private Component decide(AccessRequest request) {
        Button approve = new Button(getTranslation("admin.requests.approve"),
                click -> new ApproveDialog(request).open());
        approve.setId("approve-access-" + request.id());
        approve.addThemeVariants(ButtonVariant.LUMO_SUCCESS, ButtonVariant.LUMO_SMALL);
        Button reject = new Button(getTranslation("admin.requests.reject"),
                click -> new RejectDialog(request).open());
        reject.setId("reject-access-" + request.id());
        reject.addThemeVariants(ButtonVariant.LUMO_ERROR, ButtonVariant.LUMO_SMALL);
        return new HorizontalLayout(approve, reject);
    }

    /** The data-scientist role (on by default), a team (the one asked for, preselected) and the role in it. */
    private final class ApproveDialog extends Dialog {

        ApproveDialog(AccessRequest request) {
            setId("access-approve-dialog");
            setHeaderTitle(getTranslation("admin.access.approve-title", request.username()));
            add(new Paragraph(request.reason()));
            Checkbox role = new Checkbox(getTranslation("admin.access.grant-role"), true);
            role.setId("grant-role");
            ComboBox<String> team = new ComboBox<>(getTranslation("admin.access.add-to-team"));
            team.setId("approve-team");
            team.setClearButtonVisible(true);
            team.setWidthFull();
            team.setHelperText(getTranslation("admin.access.add-to-team.help"));
            Select<String> teamRole = new Select<>();
            teamRole.setLabel(getTranslation("admin.access.team-role"));
            teamRole.setId("approve-team-role");
            teamRole.setItems(TEAM_ROLES);
            teamRole.setItemLabelGenerator(value -> getTranslation("team-role." + value));
            teamRole.setValue("member");
            TextArea reason = new TextArea(getTranslation("admin.access.decision-reason"));
            reason.setId("decision-reason");
            reason.setWidthFull();
            reason.setMaxLength(2000);
            add(role, team, teamRole, reason);
            Async.run(UI.getCurrent(), tenants::teams, teams -> {
                List<String> active = teams.stream().filter(t -> "active".equalsIgnoreCase(t.state()))
                        .map(Team::slug).toList();
                team.setItems(active);
                if (request.team() != null && active.contains(request.team())) {
                    team.setValue(request.team());
                }
            }, failure -> Toasts.failure(AccessRequestsView.this, "admin.access.action.teams", failure));
            Button confirm = new Button(getTranslation("admin.requests.approve"));
            confirm.setId("confirm-decision");
            confirm.addThemeVariants(ButtonVariant.LUMO_PRIMARY, ButtonVariant.LUMO_SUCCESS);
            confirm.addClickListener(click -> {
                confirm.setEnabled(false);
                AccessApproval approval = new AccessApproval(role.getValue(), team.getValue(),
                        team.getValue() == null ? null : teamRole.getValue(), reason.getValue().strip());
                Async.run(UI.getCurrent(), () -> tenants.approveAccess(request.id(), approval), decided -> {
                    Toasts.success(getTranslation("admin.access.approved", decided.username()));
                    close();
                    load();
                }, failure -> {
                    confirm.setEnabled(true);
                    Toasts.failure(AccessRequestsView.this, "admin.access.action.decide", failure);
                });
            });
            getFooter().add(new Button(getTranslation("common.cancel"), click -> close()), confirm);
        }
    }

    /** A reason is required: the requester reads it on their home page. */
    private final class RejectDialog extends Dialog {

        RejectDialog(AccessRequest request) {
            setId("access-reject-dialog");
            setHeaderTitle(getTranslation("admin.access.reject-title", request.username()));
            add(new Paragraph(request.reason()));
            TextArea reason = new TextArea(getTranslation("admin.access.rejection-reason"));
            reason.setId("decision-reason");
            reason.setWidthFull();
            reason.setMaxLength(2000);
            reason.setRequired(true);
            reason.setValueChangeMode(ValueChangeMode.EAGER);
            reason.addValueChangeListener(change -> reason.setInvalid(change.getValue().isBlank()));
            reason.setErrorMessage(getTranslation("validation.required"));
            add(reason);
            Button confirm = new Button(getTranslation("admin.requests.reject"));
            confirm.setId("confirm-decision");
            confirm.addThemeVariants(ButtonVariant.LUMO_PRIMARY, ButtonVariant.LUMO_ERROR);
            confirm.addClickListener(click -> {
                if (reason.getValue().isBlank()) {
                    reason.setInvalid(true);
                    return;
                }
                confirm.setEnabled(false);
                Async.run(UI.getCurrent(), () -> tenants.rejectAccess(request.id(), reason.getValue().strip()),
                        decided -> {
                            Toasts.success(getTranslation("admin.access.rejected", decided.username()));
                            close();
                            load();
                        },
                        failure -> {
                            confirm.setEnabled(true);
                            Toasts.failure(AccessRequestsView.this, "admin.access.action.decide", failure);
                        });
            });
            getFooter().add(new Button(getTranslation("common.cancel"), click -> close()), confirm);
        }
    }

    @Override
    public String viewTitle() {
        return getTranslation("admin.access.title");
    }
}
