package ai.portal.ui.home;

import java.util.List;

import ai.portal.ui.backend.TenantApi.AccessRequest;
import ai.portal.ui.backend.TenantApi.NewAccessRequest;
import ai.portal.ui.backend.TenantClient;
import ai.portal.ui.components.Async;
import ai.portal.ui.components.Section;
import ai.portal.ui.components.Toasts;
import ai.portal.ui.i18n.Formats;
import ai.portal.ui.security.CurrentUser;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.value.ValueChangeMode;

/**
 * A guest's way in: the state of their latest access request (waiting, with a withdraw button; approved, with a
 * sign-in-again button since the role comes with the next token; rejected, with the admin's reason), and the form
 * to ask (a reason, optionally a team) whenever nothing is waiting.
 */
class AccessRequestPanel extends Section {

    /** A team's short name, as tenant-service checks it. */
    static final String TEAM_PATTERN = "[a-z][a-z0-9-]{1,30}[a-z0-9]";

    private final TenantClient tenants;
    private final CurrentUser user;

    AccessRequestPanel(TenantClient tenants, CurrentUser user) {
        super("request-access", "");
        heading().setText(getTranslation("home.guest.request-access"));
        this.tenants = tenants;
        this.user = user;
        refresh();
    }

    private void refresh() {
        load("home.access.load", tenants::myAccessRequests, this::show);
    }

    private Component show(List<AccessRequest> mine) {
        Div content = new Div();
        AccessRequest latest = mine.isEmpty() ? null : mine.getFirst();
        String status = latest == null ? "none" : latest.status();
        switch (status) {
            case "pending" -> content.add(pending(latest));
            case "approved" -> content.add(approved(latest));
            case "rejected" -> {
                content.add(state(latest, "home.access.rejected", latest.decidedBy(), latest.decisionReason()));
                content.add(form());
            }
            default -> content.add(form());
        }
        return content;
    }

    private Paragraph state(AccessRequest request, String key, Object... arguments) {
        Object[] all = new Object[arguments.length + 1];
        all[0] = Formats.dateTime(request.createdAt());
        System.arraycopy(arguments, 0, all, 1, arguments.length);
        Paragraph text = new Paragraph(getTranslation(key, all));
        text.setId("access-request-status");
        text.getElement().setAttribute("data-status", request.status());
        return text;
    }

    private Component pending(AccessRequest request) {
        Div pending = new Div(state(request, "home.access.pending"));
        Paragraph reason = new Paragraph(getTranslation("home.access.your-reason", request.reason()));
        reason.addClassName("portal-hint");
        pending.add(reason);
        if (request.team() != null) {
            pending.add(new Paragraph(getTranslation("home.access.your-team", request.team())));
        }
        Button withdraw = new Button(getTranslation("home.access.withdraw"));
        withdraw.setId("withdraw-access-request");
        withdraw.addThemeVariants(ButtonVariant.LUMO_ERROR, ButtonVariant.LUMO_TERTIARY);
        withdraw.addClickListener(click -> {
            withdraw.setEnabled(false);
            Async.run(UI.getCurrent(), () -> tenants.withdrawAccessRequest(request.id()), done -> {
                Toasts.success(getTranslation("home.access.withdrawn"));
                refresh();
            }, failure -> {
                withdraw.setEnabled(true);
                Toasts.failure(this, "home.access.action.withdraw", failure);
            });
        });
        pending.add(withdraw);
        return pending;
    }

    private Component approved(AccessRequest request) {
        Div approved = new Div(state(request, "home.access.approved", request.decidedBy()));
        if (request.grantedTeam() != null) {
            approved.add(new Paragraph(getTranslation("home.access.granted-team", request.grantedTeam(),
                    getTranslation("team-role." + request.grantedTeamRole()))));
        }
        Button again = new Button(getTranslation("home.access.sign-in-again"), click -> user.logout());
        again.setId("access-sign-in-again");
        again.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        approved.add(again);
        return approved;
    }

    private Component form() {
        TextArea reason = new TextArea(getTranslation("home.access.reason"));
        reason.setId("access-reason");
        reason.setWidthFull();
        reason.setMaxLength(2000);
        reason.setRequired(true);
        reason.setHelperText(getTranslation("home.access.reason.help"));
        reason.setErrorMessage(getTranslation("validation.required"));
        reason.setValueChangeMode(ValueChangeMode.EAGER);
        reason.addValueChangeListener(change -> reason.setInvalid(change.getValue().isBlank()));
        TextField team = new TextField(getTranslation("home.access.team"));
        team.setId("access-team");
        team.setHelperText(getTranslation("home.access.team.help"));
        team.setPattern(TEAM_PATTERN);
        team.setMaxLength(32);
        team.setErrorMessage(getTranslation("home.access.team.invalid"));
        Button submit = new Button(getTranslation("home.access.submit"));
        submit.setId("submit-access-request");
        submit.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        submit.addClickListener(click -> {
            String teamValue = team.getValue().strip();
            boolean badTeam = !teamValue.isEmpty() && !teamValue.matches(TEAM_PATTERN);
            team.setInvalid(badTeam);
            reason.setInvalid(reason.getValue().isBlank());
            if (reason.isInvalid() || badTeam) {
                return;
            }
            submit.setEnabled(false);
            NewAccessRequest request = new NewAccessRequest(reason.getValue().strip(),
                    teamValue.isEmpty() ? null : teamValue);
            Async.run(UI.getCurrent(), () -> tenants.requestAccess(request), done -> {
                Toasts.success(getTranslation("home.access.sent"));
                refresh();
            }, failure -> {
                submit.setEnabled(true);
                Toasts.failure(this, "home.access.action.ask", failure);
            });
        });
        VerticalLayout form = new VerticalLayout(reason, team, submit);
        form.setPadding(false);
        form.setId("access-request-form");
        return form;
    }
}
