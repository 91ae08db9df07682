package ai.portal.ui.admin;

import java.util.List;
import java.util.Map;

import ai.portal.ui.backend.TenantApi.QuotaRequest;
import ai.portal.ui.backend.TenantClient;
import ai.portal.ui.components.Async;
import ai.portal.ui.components.PortalView;
import ai.portal.ui.components.Section;
import ai.portal.ui.components.Toasts;
import ai.portal.ui.i18n.Formats;
import ai.portal.ui.live.LiveUpdates;
import ai.portal.ui.live.Topic;
import ai.portal.ui.quota.QuotaText;
import ai.portal.ui.security.CurrentUser;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.tabs.Tabs;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.RolesAllowed;

/** Quota requests of every team: pending ones to approve or reject with a reason, and the decided ones. */
@Route("admin/quota-requests")
@RolesAllowed(CurrentUser.PLATFORM_ADMIN)
public class QuotaRequestsView extends VerticalLayout implements PortalView {

    private static final List<String> STATUSES = List.of("pending", "approved", "rejected");

    private final TenantClient tenants;
    private final Section requests;
    private String status = "pending";

    public QuotaRequestsView(TenantClient tenants, LiveUpdates live) {
        this.tenants = tenants;
        live.whileAttached(this, Topic.admin(), this::load);
        addClassName("portal-page");
        requests = new Section("admin-quota-requests", getTranslation("admin.requests.heading"));
        Tabs tabs = new StatusTabs("request-status-tabs", STATUSES, chosen -> {
            status = chosen;
            load();
        });
        add(tabs, requests);
        load();
    }

    private void load() {
        String wanted = status;
        requests.load("admin.requests.load", () -> tenants.quotaRequestsWithStatus(wanted), this::grid);
    }

    private Component grid(List<QuotaRequest> list) {
        if (list.isEmpty()) {
            Paragraph none = new Paragraph(getTranslation("admin.requests.none"));
            none.setId("no-requests");
            return none;
        }
        Grid<QuotaRequest> grid = new Grid<>();
        grid.setId("requests-grid");
        grid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_WRAP_CELL_CONTENT);
        grid.setAllRowsVisible(true);
        grid.addColumn(QuotaRequest::team).setHeader(getTranslation("admin.requests.team")).setAutoWidth(true);
        grid.addColumn(QuotaRequest::requestedBy).setHeader(getTranslation("team.request.by")).setAutoWidth(true);
        grid.addColumn(request -> Formats.dateTime(request.createdAt())).setHeader(getTranslation("common.when"))
                .setAutoWidth(true);
        grid.addColumn(request -> QuotaText.summary(this, request.requested(), Map.of()))
                .setHeader(getTranslation("team.request.requested")).setFlexGrow(2);
        grid.addColumn(QuotaRequest::reason).setHeader(getTranslation("team.request.reason")).setFlexGrow(2);
        if ("pending".equals(status)) {
            grid.addComponentColumn(this::decide).setHeader(getTranslation("common.actions")).setAutoWidth(true);
        } else {
            grid.addColumn(request -> getTranslation("team.request.decision", request.decidedBy(),
                            request.decisionReason() == null ? "" : request.decisionReason()))
                    .setHeader(getTranslation("team.request.decided")).setFlexGrow(2);
        }
        grid.setItems(list);
        return grid;
    }

    private Component decide(QuotaRequest request) {
        Button approve = new Button(getTranslation("admin.requests.approve"),
                click -> new DecisionDialog(request, true).open());
        approve.setId("approve-" + request.id());
        approve.addThemeVariants(ButtonVariant.LUMO_SUCCESS, ButtonVariant.LUMO_SMALL);
        Button reject = new Button(getTranslation("admin.requests.reject"),
                click -> new DecisionDialog(request, false).open());
        reject.setId("reject-" + request.id());
        reject.addThemeVariants(ButtonVariant.LUMO_ERROR, ButtonVariant.LUMO_SMALL);
        return new HorizontalLayout(approve, reject);
    }

    /** Approve (reason optional) or reject (reason required: the member reads it in their team's history). */
    private final class DecisionDialog extends Dialog {

        DecisionDialog(QuotaRequest request, boolean approve) {
            setId("decision-dialog");
            setHeaderTitle(getTranslation(approve ? "admin.requests.approve-title" : "admin.requests.reject-title",
                    request.team()));
            add(new Paragraph(QuotaText.summary(this, request.requested(), Map.of())));
            TextArea reason = new TextArea(getTranslation("admin.requests.decision-reason"));
            reason.setId("decision-reason");
            reason.setWidthFull();
            reason.setMaxLength(2000);
            reason.setRequired(!approve);
            reason.setValueChangeMode(ValueChangeMode.EAGER);
            reason.addValueChangeListener(change -> reason.setInvalid(!approve && change.getValue().isBlank()));
            reason.setErrorMessage(getTranslation("validation.required"));
            add(reason);
            Button confirm = new Button(getTranslation(approve ? "admin.requests.approve" : "admin.requests.reject"));
            confirm.setId("confirm-decision");
            confirm.addThemeVariants(ButtonVariant.LUMO_PRIMARY, approve ? ButtonVariant.LUMO_SUCCESS
                    : ButtonVariant.LUMO_ERROR);
            confirm.addClickListener(click -> {
                if (!approve && reason.getValue().isBlank()) {
                    reason.setInvalid(true);
                    return;
                }
                confirm.setEnabled(false);
                Async.run(UI.getCurrent(), () -> tenants.decide(request.id(), approve, reason.getValue().strip()),
                        decided -> {
                            Toasts.success(getTranslation(approve ? "admin.requests.approved" : "admin.requests.rejected",
                                    decided.team()));
                            close();
                            load();
                        },
                        failure -> {
                            confirm.setEnabled(true);
                            Toasts.failure(QuotaRequestsView.this, "admin.requests.action.decide", failure);
                        });
            });
            getFooter().add(new Button(getTranslation("common.cancel"), click -> close()), confirm);
        }
    }

    @Override
    public String viewTitle() {
        return getTranslation("admin.requests.title");
    }
}
