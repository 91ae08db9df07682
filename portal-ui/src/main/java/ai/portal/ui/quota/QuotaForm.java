package ai.portal.ui.quota;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import ai.portal.ui.backend.BackendException;
import ai.portal.ui.backend.TenantApi.GpuType;
import ai.portal.ui.backend.TenantApi.Quota;

import com.vaadin.flow.component.HasValidation;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.value.ValueChangeMode;

/**
 * A quota to edit (admins) or to ask for (members): CPU, memory, storage, volumes, notebooks, and GPUs per GPU type
 * of the catalogue. Each field is checked as the user types and says what is wrong in words; the backend's field
 * errors land on the same fields.
 */
public class QuotaForm extends FormLayout {

    private final TextField cpu = text("quota.field.cpu", "quota-cpu", "quota.help.cpu");
    private final TextField memory = text("quota.field.memory", "quota-memory", "quota.help.memory");
    private final TextField storage = text("quota.field.storage", "quota-storage", "quota.help.storage");
    private final IntegerField pvcs = count("quota.field.pvcs", "quota-pvcs", 1000);
    private final IntegerField maxNotebooks = count("quota.field.max-notebooks", "quota-max-notebooks", 100);
    private final Map<String, IntegerField> gpus = new LinkedHashMap<>();

    public QuotaForm(List<GpuType> types, Quota initial) {
        addClassName("portal-quota-form");
        setResponsiveSteps(new ResponsiveStep("0", 1), new ResponsiveStep("32em", 2), new ResponsiveStep("48em", 3));
        add(cpu, memory, storage, pvcs, maxNotebooks);
        for (GpuType type : types) {
            IntegerField field = count(null, "quota-gpu-" + type.name(), 512);
            field.setLabel(getTranslation("quota.field.gpu", type.displayName()));
            field.setHelperText(type.capacity() == null ? type.name()
                    : getTranslation("quota.help.gpu-capacity", type.capacity()));
            gpus.put(type.name(), field);
            add(field);
        }
        if (initial != null) {
            cpu.setValue(initial.cpu());
            memory.setValue(initial.memory());
            storage.setValue(initial.storage());
            pvcs.setValue(initial.pvcs());
            maxNotebooks.setValue(initial.maxNotebooks());
            gpus.forEach((type, field) -> field.setValue(initial.gpus().getOrDefault(type, 0)));
        }
        for (TextField field : List.of(cpu, memory, storage)) {
            field.addValueChangeListener(change -> checkQuantity(field));
        }
        for (IntegerField field : allCounts()) {
            field.addValueChangeListener(change -> checkCount(field));
        }
    }

    /** The quota as typed, or empty with every wrong field marked. */
    public Optional<Quota> value() {
        boolean ok = true;
        for (TextField field : List.of(cpu, memory, storage)) {
            ok &= checkQuantity(field);
        }
        for (IntegerField field : allCounts()) {
            ok &= checkCount(field);
        }
        if (!ok) {
            return Optional.empty();
        }
        Map<String, Integer> perType = new TreeMap<>();
        gpus.forEach((type, field) -> {
            if (field.getValue() != null && field.getValue() > 0) {
                perType.put(type, field.getValue());
            }
        });
        return Optional.of(new Quota(cpu.getValue().strip(), memory.getValue().strip(), storage.getValue().strip(),
                pvcs.getValue(), maxNotebooks.getValue(), perType));
    }

    /** Puts the backend's field errors (problem detail {@code errors}) on the fields they name. */
    public boolean showFieldErrors(BackendException failure) {
        boolean shown = false;
        for (BackendException.FieldError error : failure.fieldErrors()) {
            String field = error.field().replaceFirst("^quota\\.", "");
            HasValidation target = switch (field) {
                case "cpu" -> cpu;
                case "memory" -> memory;
                case "storage" -> storage;
                case "pvcs" -> pvcs;
                case "maxNotebooks" -> maxNotebooks;
                default -> field.startsWith("gpus") ? gpus.values().stream().findFirst().orElse(null) : null;
            };
            if (target != null) {
                target.setErrorMessage(error.message());
                target.setInvalid(true);
                shown = true;
            }
        }
        return shown;
    }

    private List<IntegerField> allCounts() {
        List<IntegerField> all = new ArrayList<>(List.of(pvcs, maxNotebooks));
        all.addAll(gpus.values());
        return all;
    }

    private boolean checkQuantity(TextField field) {
        String value = field.getValue();
        if (value == null || value.isBlank()) {
            return invalid(field, getTranslation("validation.required"));
        }
        if (!Quantities.valid(value)) {
            return invalid(field, getTranslation("validation.quantity"));
        }
        field.setInvalid(false);
        return true;
    }

    private boolean checkCount(IntegerField field) {
        if (field.isInvalid() && field.getValue() == null && !field.isEmpty()) {
            return invalid(field, getTranslation("validation.whole-number"));
        }
        Integer value = field.getValue();
        if (value == null) {
            return invalid(field, getTranslation("validation.required"));
        }
        if (value < 0 || value > field.getMax()) {
            return invalid(field, getTranslation("validation.range", 0, field.getMax()));
        }
        field.setInvalid(false);
        return true;
    }

    private static boolean invalid(HasValidation field, String message) {
        field.setErrorMessage(message);
        field.setInvalid(true);
        return false;
    }

    private TextField text(String labelKey, String id, String helpKey) {
        TextField field = new TextField(getTranslation(labelKey));
        field.setId(id);
        field.setHelperText(getTranslation(helpKey));
        field.setRequired(true);
        field.setValueChangeMode(ValueChangeMode.EAGER);
        return field;
    }

    private IntegerField count(String labelKey, String id, int max) {
        IntegerField field = new IntegerField();
        if (labelKey != null) {
            field.setLabel(getTranslation(labelKey));
        }
        field.setId(id);
        field.setMin(0);
        field.setMax(max);
        field.setStepButtonsVisible(true);
        field.setRequired(true);
        field.setValueChangeMode(ValueChangeMode.EAGER);
        return field;
    }

}
