package ai.portal.ui.admin;

import java.util.List;

import ai.portal.ui.backend.TenantApi.GpuType;
import ai.portal.ui.backend.TenantClient;
import ai.portal.ui.components.Async;
import ai.portal.ui.components.PortalView;
import ai.portal.ui.components.Problems;
import ai.portal.ui.components.Section;
import ai.portal.ui.components.Toasts;
import ai.portal.ui.security.CurrentUser;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.RolesAllowed;

/** The GPU type catalogue quotas are set in, with each type's capacity on the cluster now; add and remove types. */
@Route("admin/gpu-types")
@RolesAllowed(CurrentUser.PLATFORM_ADMIN)
public class GpuTypesView extends VerticalLayout implements PortalView {

    private static final java.util.regex.Pattern LABEL_VALUE =
            java.util.regex.Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$");

    private final TenantClient tenants;
    private final Section catalogue;

    public GpuTypesView(TenantClient tenants) {
        this.tenants = tenants;
        addClassName("portal-page");
        catalogue = new Section("gpu-types", getTranslation("admin.gpus.catalogue"));
        Section add = new Section("add-gpu-type", getTranslation("admin.gpus.add"));
        add.show(addForm());
        add(catalogue, add);
        catalogue.load("admin.gpus.load", tenants::gpuTypes, this::grid);
    }

    private Component grid(List<GpuType> types) {
        if (types.isEmpty()) {
            return new Paragraph(getTranslation("admin.gpus.none"));
        }
        Grid<GpuType> grid = new Grid<>();
        grid.setId("gpu-types-grid");
        grid.addThemeVariants(GridVariant.LUMO_COMPACT);
        grid.setAllRowsVisible(true);
        grid.addColumn(GpuType::displayName).setHeader(getTranslation("admin.gpus.display-name")).setAutoWidth(true);
        grid.addColumn(GpuType::name).setHeader(getTranslation("admin.gpus.name")).setAutoWidth(true);
        grid.addColumn(type -> type.memoryGib() == null ? "" : getTranslation("admin.gpus.memory-gib", type.memoryGib()))
                .setHeader(getTranslation("admin.gpus.memory")).setAutoWidth(true);
        grid.addColumn(type -> type.capacity() == null ? "" : String.valueOf(type.capacity()))
                .setHeader(getTranslation("admin.gpus.capacity")).setAutoWidth(true);
        grid.addComponentColumn(type -> {
            Button remove = new Button(VaadinIcon.TRASH.create(), click -> Async.run(UI.getCurrent(), () -> {
                tenants.removeGpuType(type.name());
                return type;
            }, removed -> {
                Toasts.success(getTranslation("admin.gpus.removed", removed.displayName()));
                catalogue.reload();
            }, failure -> Toasts.failure(this, "admin.gpus.action.remove", failure)));
            remove.setAriaLabel(getTranslation("admin.gpus.remove", type.displayName()));
            remove.setTooltipText(getTranslation("admin.gpus.remove", type.displayName()));
            remove.addThemeVariants(ButtonVariant.LUMO_TERTIARY, ButtonVariant.LUMO_ERROR);
            return remove;
        }).setHeader(getTranslation("common.actions"));
        grid.setItems(types);
        return grid;
    }

    private Component addForm() {
        TextField name = new TextField(getTranslation("admin.gpus.name"));
        name.setId("gpu-type-name");
        name.setHelperText(getTranslation("admin.gpus.name.help"));
        name.setValueChangeMode(ValueChangeMode.EAGER);
        name.addValueChangeListener(change -> {
            boolean ok = LABEL_VALUE.matcher(change.getValue()).matches();
            name.setErrorMessage(getTranslation("admin.gpus.name.invalid"));
            name.setInvalid(!ok);
        });
        TextField displayName = new TextField(getTranslation("admin.gpus.display-name"));
        displayName.setId("gpu-type-display-name");
        IntegerField memory = new IntegerField(getTranslation("admin.gpus.memory"));
        memory.setId("gpu-type-memory");
        memory.setMin(1);
        memory.setMax(4096);
        Checkbox force = new Checkbox(getTranslation("admin.gpus.force"));
        force.setId("gpu-type-force");
        Paragraph error = new Paragraph();
        error.addClassName("portal-problem");
        error.setVisible(false);
        Button add = new Button(getTranslation("admin.gpus.add"), VaadinIcon.PLUS.create());
        add.setId("add-gpu-type");
        add.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        add.addClickListener(click -> {
            if (!LABEL_VALUE.matcher(name.getValue()).matches() || displayName.getValue().isBlank()) {
                name.setInvalid(!LABEL_VALUE.matcher(name.getValue()).matches());
                displayName.setErrorMessage(getTranslation("validation.required"));
                displayName.setInvalid(displayName.getValue().isBlank());
                return;
            }
            GpuType type = new GpuType(name.getValue().strip(), displayName.getValue().strip(), memory.getValue(), null);
            Async.run(UI.getCurrent(), () -> tenants.addGpuType(type, force.getValue()), added -> {
                error.setVisible(false);
                Toasts.success(getTranslation("admin.gpus.added", added.displayName()));
                name.clear();
                displayName.clear();
                memory.clear();
                catalogue.reload();
            }, failure -> {
                error.setText(Problems.message(this, "admin.gpus.action.add", failure));
                error.setVisible(true);
            });
        });
        HorizontalLayout fields = new HorizontalLayout(name, displayName, memory, force, add);
        fields.setWrap(true);
        fields.setAlignItems(FlexComponent.Alignment.BASELINE);
        return new VerticalLayout(fields, error);
    }

    @Override
    public String viewTitle() {
        return getTranslation("admin.gpus.title");
    }
}
