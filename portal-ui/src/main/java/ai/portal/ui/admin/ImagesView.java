package ai.portal.ui.admin;

import java.util.List;
import java.util.regex.Pattern;

import ai.portal.ui.backend.BackendException;
import ai.portal.ui.backend.JobsApi.Image;
import ai.portal.ui.backend.JobsApi.ImageRequest;
import ai.portal.ui.backend.JobsApi.Settings;
import ai.portal.ui.backend.JobsClient;
import ai.portal.ui.components.Async;
import ai.portal.ui.components.PortalView;
import ai.portal.ui.components.Problems;
import ai.portal.ui.components.Section;
import ai.portal.ui.components.Toasts;
import ai.portal.ui.i18n.Formats;
import ai.portal.ui.security.CurrentUser;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.badge.Badge;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.RolesAllowed;

/**
 * The image catalogue notebooks and jobs launch from (job-runner {@code /api/v1/images}): every image with what it
 * is for, whether it is built for CUDA and whether it may be launched now; add, change, disable, remove; and whether
 * members may launch images that are not in the catalogue. Running workloads keep their image whatever changes here.
 */
@Route("admin/images")
@RolesAllowed(CurrentUser.PLATFORM_ADMIN)
public class ImagesView extends VerticalLayout implements PortalView {

    static final Pattern ID = Pattern.compile("^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$");
    /** The job runner's grammar decides; this only catches what is plainly no pinned reference while typing. */
    static final Pattern REFERENCE = Pattern.compile("^[^\\s\"']+(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})$");

    private final JobsClient jobs;
    private final Section catalogue;
    private final Section settings;

    public ImagesView(JobsClient jobs) {
        this.jobs = jobs;
        addClassName("portal-page");
        Button add = new Button(getTranslation("admin.images.add"), VaadinIcon.PLUS.create(),
                click -> new ImageDialog(null).open());
        add.setId("add-image");
        add.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        catalogue = new Section("images", getTranslation("admin.images.catalogue"));
        settings = new Section("image-settings", getTranslation("admin.images.settings"));
        add(add, catalogue, settings);
        catalogue.load("admin.images.load", jobs::images, this::grid);
        settings.load("admin.images.load-settings", jobs::settings, this::settingsView);
    }

    private Component grid(List<Image> images) {
        if (images.isEmpty()) {
            Paragraph none = new Paragraph(getTranslation("admin.images.none"));
            none.setId("no-images");
            return none;
        }
        Grid<Image> grid = new Grid<>();
        grid.setId("images-grid");
        grid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_WRAP_CELL_CONTENT);
        grid.setAllRowsVisible(true);
        grid.addComponentColumn(image -> {
            Div name = new Div(new Span(image.displayName()));
            name.getElement().setAttribute("data-image", image.id());
            if (image.description() != null && !image.description().isBlank()) {
                Span description = new Span(image.description());
                description.addClassName("portal-hint");
                name.add(new Div(description));
            }
            return name;
        }).setHeader(getTranslation("admin.images.name")).setFlexGrow(2);
        grid.addColumn(Image::id).setHeader(getTranslation("admin.images.id")).setAutoWidth(true);
        grid.addComponentColumn(image -> {
            Span reference = new Span(image.reference());
            reference.addClassName("portal-code");
            return reference;
        }).setHeader(getTranslation("admin.images.reference")).setFlexGrow(3);
        grid.addComponentColumn(this::uses).setHeader(getTranslation("admin.images.uses")).setAutoWidth(true);
        grid.addComponentColumn(image -> {
            Badge state = new Badge(getTranslation(image.enabled() ? "admin.images.enabled" : "admin.images.disabled"));
            state.getElement().setAttribute("data-enabled", String.valueOf(image.enabled()));
            return state;
        }).setHeader(getTranslation("admin.images.state")).setAutoWidth(true);
        grid.addColumn(image -> image.updatedAt() == null ? "" : Formats.dateTime(image.updatedAt()))
                .setHeader(getTranslation("admin.images.updated")).setAutoWidth(true);
        grid.addComponentColumn(this::actions).setHeader(getTranslation("common.actions")).setAutoWidth(true);
        grid.setItems(images);
        return grid;
    }

    private Component uses(Image image) {
        HorizontalLayout uses = new HorizontalLayout();
        uses.setSpacing(false);
        uses.getStyle().set("gap", "var(--lumo-space-xs)");
        if (image.forNotebooks()) {
            uses.add(new Badge(getTranslation("kind.notebook")));
        }
        if (image.forJobs()) {
            uses.add(new Badge(getTranslation("kind.job")));
        }
        if (image.cuda()) {
            uses.add(new Badge(getTranslation("admin.images.cuda")));
        }
        return uses;
    }

    private Component actions(Image image) {
        Button edit = new Button(VaadinIcon.EDIT.create(), click -> new ImageDialog(image).open());
        edit.setId("edit-image-" + image.id());
        edit.setAriaLabel(getTranslation("admin.images.edit", image.displayName()));
        edit.setTooltipText(getTranslation("admin.images.edit", image.displayName()));
        edit.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
        Button toggle = new Button(getTranslation(image.enabled() ? "admin.images.disable" : "admin.images.enable"),
                click -> save(image.id(), request(image, !image.enabled()), null, null));
        toggle.setId((image.enabled() ? "disable-image-" : "enable-image-") + image.id());
        toggle.addThemeVariants(ButtonVariant.LUMO_TERTIARY, ButtonVariant.LUMO_SMALL);
        Button remove = new Button(VaadinIcon.TRASH.create(), click -> confirmRemove(image));
        remove.setId("remove-image-" + image.id());
        remove.setAriaLabel(getTranslation("admin.images.remove", image.displayName()));
        remove.setTooltipText(getTranslation("admin.images.remove", image.displayName()));
        remove.addThemeVariants(ButtonVariant.LUMO_TERTIARY, ButtonVariant.LUMO_ERROR);
        HorizontalLayout actions = new HorizontalLayout(edit, toggle, remove);
        actions.setSpacing(false);
        return actions;
    }

    private static ImageRequest request(Image image, boolean enabled) {
        return new ImageRequest(image.id(), image.reference(), image.displayName(), image.description(),
                image.forNotebooks(), image.forJobs(), image.cuda(), enabled);
    }

    private void confirmRemove(Image image) {
        ConfirmDialog confirm = new ConfirmDialog();
        confirm.setId("confirm-remove-image");
        confirm.setHeader(getTranslation("admin.images.remove", image.displayName()));
        confirm.setText(getTranslation("admin.images.remove.text", image.displayName()));
        confirm.setCancelable(true);
        confirm.setCancelText(getTranslation("common.cancel"));
        confirm.setConfirmText(getTranslation("common.remove"));
        confirm.setConfirmButtonTheme("error primary");
        confirm.addConfirmListener(ok -> Async.run(UI.getCurrent(), () -> {
            jobs.removeImage(image.id());
            return image;
        }, removed -> {
            Toasts.success(getTranslation("admin.images.removed", removed.displayName()));
            catalogue.reload();
        }, failure -> Toasts.failure(this, "admin.images.action.remove", failure)));
        confirm.open();
    }

    /** Adds ({@code existingId} null) or changes an image; field errors of the job runner go to their fields. */
    private void save(String existingId, ImageRequest request, Runnable onSaved,
                      java.util.function.Consumer<BackendException> onFailure) {
        Async.run(UI.getCurrent(), () -> existingId == null ? jobs.addImage(request)
                : jobs.changeImage(existingId, request), saved -> {
            Toasts.success(getTranslation(existingId == null ? "admin.images.added" : "admin.images.changed",
                    saved.displayName()));
            catalogue.reload();
            if (onSaved != null) {
                onSaved.run();
            }
        }, failure -> {
            if (onFailure != null) {
                onFailure.accept(failure);
            } else {
                Toasts.failure(this, "admin.images.action.save", failure);
            }
        });
    }

    private Component settingsView(Settings current) {
        Checkbox custom = new Checkbox(getTranslation("admin.images.allow-custom"));
        custom.setId("allow-custom-images");
        custom.setValue(Boolean.TRUE.equals(current.allowCustomImages()));
        custom.setHelperText(getTranslation("admin.images.allow-custom.help"));
        custom.addValueChangeListener(change -> {
            if (!change.isFromClient()) {
                return;
            }
            Async.run(UI.getCurrent(), () -> jobs.changeSettings(new Settings(change.getValue())),
                    saved -> Toasts.success(getTranslation(Boolean.TRUE.equals(saved.allowCustomImages())
                            ? "admin.images.custom-allowed" : "admin.images.custom-refused")),
                    failure -> {
                        Toasts.failure(this, "admin.images.action.settings", failure);
                        settings.reload();
                    });
        });
        return custom;
    }

    /** The form of one image, checked as it is typed. */
    private final class ImageDialog extends Dialog {

        private final TextField id = new TextField(getTranslation("admin.images.id"));
        private final TextField reference = new TextField(getTranslation("admin.images.reference"));
        private final TextField displayName = new TextField(getTranslation("admin.images.name"));
        private final TextArea description = new TextArea(getTranslation("admin.images.description"));
        private final Checkbox forNotebooks = new Checkbox(getTranslation("admin.images.for-notebooks"));
        private final Checkbox forJobs = new Checkbox(getTranslation("admin.images.for-jobs"));
        private final Checkbox cuda = new Checkbox(getTranslation("admin.images.cuda-built"));
        private final Checkbox enabled = new Checkbox(getTranslation("admin.images.enabled-field"));
        private final Paragraph problem = new Paragraph();

        ImageDialog(Image existing) {
            setId("image-dialog");
            setHeaderTitle(existing == null ? getTranslation("admin.images.add")
                    : getTranslation("admin.images.edit", existing.displayName()));
            id.setId("image-id");
            id.setHelperText(getTranslation("admin.images.id.help"));
            id.setRequired(true);
            reference.setId("image-reference");
            reference.setHelperText(getTranslation("admin.images.reference.help"));
            reference.setRequired(true);
            reference.setWidthFull();
            displayName.setId("image-name");
            displayName.setRequired(true);
            description.setId("image-description");
            description.setMaxLength(1000);
            forNotebooks.setId("image-for-notebooks");
            forJobs.setId("image-for-jobs");
            cuda.setId("image-cuda");
            enabled.setId("image-enabled");
            problem.addClassName("portal-problem");
            problem.setVisible(false);
            problem.getElement().setAttribute("role", "alert");
            for (TextField field : List.of(id, reference, displayName)) {
                field.setValueChangeMode(ValueChangeMode.EAGER);
                field.addValueChangeListener(change -> validate());
            }
            forNotebooks.addValueChangeListener(change -> validate());
            forJobs.addValueChangeListener(change -> validate());
            if (existing != null) {
                id.setValue(existing.id());
                id.setReadOnly(true);
                reference.setValue(existing.reference());
                displayName.setValue(existing.displayName());
                description.setValue(existing.description() == null ? "" : existing.description());
                forNotebooks.setValue(existing.forNotebooks());
                forJobs.setValue(existing.forJobs());
                cuda.setValue(existing.cuda());
                enabled.setValue(existing.enabled());
            } else {
                forNotebooks.setValue(true);
                forJobs.setValue(true);
                enabled.setValue(true);
            }
            FormLayout form = new FormLayout(id, displayName, reference, description, forNotebooks, forJobs, cuda,
                    enabled);
            form.setColspan(reference, 2);
            form.setColspan(description, 2);
            add(form, problem);
            Button save = new Button(getTranslation("common.save"), click -> submit(existing));
            save.setId("save-image");
            save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
            Button cancel = new Button(getTranslation("common.cancel"), click -> close());
            getFooter().add(cancel, save);
            setWidth("min(48rem, 95vw)");
        }

        private boolean validate() {
            boolean ok = true;
            ok &= mark(id, id.isReadOnly() || ID.matcher(id.getValue()).matches(), "admin.images.id.invalid");
            ok &= mark(reference, REFERENCE.matcher(reference.getValue().strip()).matches(),
                    "admin.images.reference.invalid");
            ok &= mark(displayName, !displayName.getValue().isBlank(), "validation.required");
            boolean someUse = forNotebooks.getValue() || forJobs.getValue();
            forJobs.getElement().setAttribute("aria-invalid", String.valueOf(!someUse));
            if (!someUse) {
                problem.setText(getTranslation("admin.images.no-use"));
                problem.setVisible(true);
            } else if (getTranslation("admin.images.no-use").equals(problem.getText())) {
                problem.setVisible(false);
            }
            return ok && someUse;
        }

        private boolean mark(TextField field, boolean valid, String messageKey) {
            // while typing, only what was typed is judged; an empty required field is marked on saving
            field.setErrorMessage(getTranslation(messageKey));
            field.setInvalid(!valid && !field.getValue().isEmpty());
            return valid;
        }

        private void submit(Image existing) {
            if (!validate()) {
                for (TextField field : List.of(id, reference, displayName)) {
                    if (field.getValue().isBlank()) {
                        field.setErrorMessage(getTranslation("validation.required"));
                        field.setInvalid(true);
                    }
                }
                return;
            }
            ImageRequest request = new ImageRequest(id.getValue().strip(), reference.getValue().strip(),
                    displayName.getValue().strip(), description.getValue().isBlank() ? null
                    : description.getValue().strip(), forNotebooks.getValue(), forJobs.getValue(), cuda.getValue(),
                    enabled.getValue());
            save(existing == null ? null : existing.id(), request, this::close, failure -> {
                problem.setText(Problems.message(ImagesView.this, "admin.images.action.save", failure));
                problem.setVisible(true);
                failure.fieldErrors().forEach(error -> {
                    TextField field = switch (error.field()) {
                        case "id" -> id;
                        case "reference", "image" -> reference;
                        case "displayName" -> displayName;
                        default -> null;
                    };
                    if (field != null) {
                        field.setErrorMessage(error.message());
                        field.setInvalid(true);
                    }
                });
            });
        }
    }

    @Override
    public String viewTitle() {
        return getTranslation("admin.images.title");
    }
}
