package ai.portal.ui.admin;

import java.util.List;

import ai.portal.ui.backend.TenantApi.GpuType;
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
import com.vaadin.flow.component.progressbar.ProgressBar;

/**
 * A team's quota per resource and per GPU type. Setting it below what the team uses now is refused by
 * tenant-service (409); the dialog then says so and offers to set it anyway.
 */
class QuotaEditorDialog extends Dialog {

    private record Loaded(Quota quota, List<GpuType> types) {
    }

    QuotaEditorDialog(TenantClient tenants, Team team, Runnable afterSave) {
        setId("quota-editor");
        setHeaderTitle(getTranslation("admin.quota.title", team.displayName()));
        setWidth("min(56rem, 95vw)");
        ProgressBar progress = new ProgressBar();
        progress.setIndeterminate(true);
        progress.getElement().setAttribute("aria-label", getTranslation("common.loading"));
        add(progress);
        Paragraph error = new Paragraph();
        error.addClassName("portal-problem");
        error.setVisible(false);
        Button save = new Button(getTranslation("common.save"));
        save.setId("save-quota");
        save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        save.setEnabled(false);
        Button force = new Button(getTranslation("admin.quota.force"));
        force.setId("force-quota");
        force.addThemeVariants(ButtonVariant.LUMO_ERROR);
        force.setVisible(false);
        getFooter().add(new Button(getTranslation("common.cancel"), click -> close()), force, save);

        Async.run(UI.getCurrent(), () -> new Loaded(tenants.quota(team.slug()), tenants.gpuTypes()), loaded -> {
            removeAll();
            QuotaForm form = new QuotaForm(loaded.types(), loaded.quota());
            add(form, error);
            save.setEnabled(true);
            Runnable[] submit = new Runnable[2];
            for (int i = 0; i < 2; i++) {
                boolean forced = i == 1;
                submit[i] = () -> form.value().ifPresent(quota -> {
                    save.setEnabled(false);
                    Async.run(UI.getCurrent(), () -> tenants.setQuota(team.slug(), quota, forced), saved -> {
                        Toasts.success(getTranslation("admin.quota.saved", team.displayName()));
                        close();
                        afterSave.run();
                    }, failure -> {
                        save.setEnabled(true);
                        if (form.showFieldErrors(failure)) {
                            return;
                        }
                        error.setText(Problems.message(this, "admin.quota.action.save", failure));
                        error.setVisible(true);
                        force.setVisible(failure.conflict() && !forced);
                    });
                });
            }
            save.addClickListener(click -> submit[0].run());
            force.addClickListener(click -> submit[1].run());
        }, failure -> {
            removeAll();
            error.setText(Problems.message(this, "admin.quota.action.load", failure));
            error.setVisible(true);
            add(error);
        });
    }
}
