package ai.portal.ui.admin;

import java.util.regex.Pattern;

import ai.portal.ui.backend.BackendException;
import ai.portal.ui.backend.TenantApi.CreateTeam;
import ai.portal.ui.backend.TenantClient;
import ai.portal.ui.components.Async;
import ai.portal.ui.components.Problems;
import ai.portal.ui.components.Toasts;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.value.ValueChangeMode;

/** A new team: slug (checked as typed against the rule tenant-service applies), name, description, first owner. */
class CreateTeamDialog extends Dialog {

    static final Pattern SLUG = Pattern.compile("^[a-z][a-z0-9-]{1,30}[a-z0-9]$");

    private final TextField slug = new TextField();
    private final TextField name = new TextField();
    private final TextArea description = new TextArea();
    private final TextField owner = new TextField();

    CreateTeamDialog(TenantClient tenants, Runnable afterCreate) {
        setId("create-team-dialog");
        setHeaderTitle(getTranslation("admin.teams.create"));
        setWidth("min(40rem, 95vw)");
        slug.setLabel(getTranslation("admin.teams.slug"));
        slug.setId("new-team-slug");
        slug.setHelperText(getTranslation("admin.teams.slug.help"));
        slug.setRequired(true);
        slug.setValueChangeMode(ValueChangeMode.EAGER);
        slug.addValueChangeListener(change -> checkSlug());
        name.setLabel(getTranslation("admin.teams.name"));
        name.setId("new-team-name");
        name.setRequired(true);
        name.setMaxLength(100);
        name.setValueChangeMode(ValueChangeMode.EAGER);
        name.addValueChangeListener(change -> checkRequired(name));
        description.setLabel(getTranslation("admin.teams.description"));
        description.setId("new-team-description");
        description.setMaxLength(1000);
        owner.setLabel(getTranslation("admin.teams.owner"));
        owner.setId("new-team-owner");
        owner.setHelperText(getTranslation("admin.teams.owner.help"));
        owner.setRequired(true);
        owner.setValueChangeMode(ValueChangeMode.EAGER);
        owner.addValueChangeListener(change -> checkRequired(owner));
        FormLayout form = new FormLayout(slug, name, owner, description);
        form.setColspan(description, 2);
        Paragraph error = new Paragraph();
        error.addClassName("portal-problem");
        error.setVisible(false);
        add(form, error);

        Button create = new Button(getTranslation("admin.teams.create.submit"));
        create.setId("create-team-submit");
        create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        create.addClickListener(click -> {
            boolean ok = checkSlug() & checkRequired(name) & checkRequired(owner);
            if (!ok) {
                return;
            }
            create.setEnabled(false);
            CreateTeam request = new CreateTeam(slug.getValue().strip(), name.getValue().strip(),
                    description.getValue().isBlank() ? null : description.getValue().strip(), owner.getValue().strip());
            Async.run(UI.getCurrent(), () -> tenants.createTeam(request), created -> {
                Toasts.success(getTranslation("admin.teams.created-toast", created.displayName()));
                close();
                afterCreate.run();
            }, failure -> {
                create.setEnabled(true);
                if (!showOnField(failure)) {
                    error.setText(Problems.message(this, "admin.teams.action.create", failure));
                    error.setVisible(true);
                }
            });
        });
        getFooter().add(new Button(getTranslation("common.cancel"), click -> close()), create);
    }

    private boolean showOnField(BackendException failure) {
        for (BackendException.FieldError fieldError : failure.fieldErrors()) {
            TextField field = switch (fieldError.field()) {
                case "slug" -> slug;
                case "displayName" -> name;
                case "owner" -> owner;
                default -> null;
            };
            if (field != null) {
                field.setErrorMessage(fieldError.message());
                field.setInvalid(true);
                return true;
            }
        }
        if (failure.status() == 404) {
            owner.setErrorMessage(getTranslation("admin.teams.owner.unknown", owner.getValue()));
            owner.setInvalid(true);
            return true;
        }
        if (failure.conflict()) {
            slug.setErrorMessage(failure.detail() != null ? failure.detail() : getTranslation("admin.teams.slug.taken"));
            slug.setInvalid(true);
            return true;
        }
        return false;
    }

    private boolean checkSlug() {
        String value = slug.getValue().strip();
        if (value.isEmpty()) {
            return invalid(slug, getTranslation("validation.required"));
        }
        if (!SLUG.matcher(value).matches()) {
            return invalid(slug, getTranslation("admin.teams.slug.invalid"));
        }
        slug.setInvalid(false);
        return true;
    }

    private boolean checkRequired(TextField field) {
        if (field.getValue().isBlank()) {
            return invalid(field, getTranslation("validation.required"));
        }
        field.setInvalid(false);
        return true;
    }

    private static boolean invalid(TextField field, String message) {
        field.setErrorMessage(message);
        field.setInvalid(true);
        return false;
    }
}
