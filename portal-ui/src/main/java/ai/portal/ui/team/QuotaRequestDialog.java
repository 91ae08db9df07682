package ai.portal.ui.team;

import java.util.List;

import ai.portal.ui.backend.TenantApi.GpuType;
import ai.portal.ui.backend.TenantApi.NewQuotaRequest;
import ai.portal.ui.backend.TenantApi.Quota;
import ai.portal.ui.backend.TenantApi.Team;
import ai.portal.ui.backend.TenantClient;
import ai.portal.ui.components.Async;
import ai.portal.ui.components.Problems;
import ai.portal.ui.components.Toasts;
import ai.portal.ui.quota.QuotaForm;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.data.value.ValueChangeMode;

/** A member asks the platform admins for a different quota, starting from the team's current one, with a reason. */
class QuotaRequestDialog extends Dialog {

    QuotaRequestDialog(TenantClient tenants, Team team, Quota current, List<GpuType> types, Runnable afterSent) {
        setHeaderTitle(getTranslation("team.request.dialog-title", team.displayName()));
        setId("quota-request-dialog");
        setWidth("min(56rem, 95vw)");
        QuotaForm form = new QuotaForm(types, current);
        TextArea reason = new TextArea(getTranslation("team.request.reason"));
        reason.setId("quota-request-reason");
        reason.setHelperText(getTranslation("team.request.reason.help"));
        reason.setRequired(true);
        reason.setMaxLength(2000);
        reason.setWidthFull();
        reason.setValueChangeMode(ValueChangeMode.EAGER);
        reason.addValueChangeListener(change -> {
            reason.setInvalid(change.getValue().isBlank());
            reason.setErrorMessage(getTranslation("validation.required"));
        });
        Paragraph error = new Paragraph();
        error.addClassName("portal-problem");
        error.setVisible(false);
        add(new Paragraph(getTranslation("team.request.dialog-text")), form, reason, error);

        Button send = new Button(getTranslation("team.request.send"));
        send.setId("send-quota-request");
        send.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        send.addClickListener(click -> {
            var quota = form.value();
            boolean reasonOk = !reason.getValue().isBlank();
            reason.setInvalid(!reasonOk);
            reason.setErrorMessage(getTranslation("validation.required"));
            if (quota.isEmpty() || !reasonOk) {
                return;
            }
            send.setEnabled(false);
            Async.run(UI.getCurrent(), () -> tenants.requestQuota(team.slug(),
                            new NewQuotaRequest(quota.get(), reason.getValue().strip())),
                    sent -> {
                        Toasts.success(getTranslation("team.request.sent"));
                        close();
                        afterSent.run();
                    },
                    failure -> {
                        send.setEnabled(true);
                        if (!form.showFieldErrors(failure)) {
                            error.setText(Problems.message(this, "team.action.request-quota", failure));
                            error.setVisible(true);
                        }
                    });
        });
        Button cancel = new Button(getTranslation("common.cancel"), click -> close());
        getFooter().add(cancel, send);
    }
}
