package ai.portal.ui.admin;

import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;

import ai.portal.ui.backend.TenantApi.AuditEvent;
import ai.portal.ui.backend.TenantApi.AuditQuery;
import ai.portal.ui.backend.TenantClient;
import ai.portal.ui.components.AuditWords;
import ai.portal.ui.components.PortalView;
import ai.portal.ui.components.Section;
import ai.portal.ui.i18n.Formats;
import ai.portal.ui.security.CurrentUser;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.badge.Badge;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.datetimepicker.DateTimePicker;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.RolesAllowed;

/** Who changed what: the audit log, filtered by team, actor, action and time, newest first, a page at a time. */
@Route("admin/audit")
@RolesAllowed(CurrentUser.PLATFORM_ADMIN)
public class AuditView extends VerticalLayout implements PortalView {

    static final int PAGE_SIZE = 50;
    public static final List<String> ACTIONS = List.of("team.create", "team.update", "team.archive", "team.unarchive",
            "team.delete", "member.add", "member.role", "member.remove", "quota.set", "quota-request.create",
            "quota-request.approve", "quota-request.reject", "gpu-type.add", "gpu-type.remove",
            "access-request.create", "access-request.withdraw", "access-request.approve", "access-request.reject");

    private final TenantClient tenants;
    private final TextField team = new TextField();
    private final TextField actor = new TextField();
    private final ComboBox<String> action = new ComboBox<>();
    private final DateTimePicker from = new DateTimePicker();
    private final DateTimePicker to = new DateTimePicker();
    private final Section events;
    private final Button previous = new Button(VaadinIcon.ANGLE_LEFT.create());
    private final Button next = new Button(VaadinIcon.ANGLE_RIGHT.create());
    private final Span pageLabel = new Span();
    private int page;

    public AuditView(TenantClient tenants) {
        this.tenants = tenants;
        addClassName("portal-page");
        team.setLabel(getTranslation("audit.filter.team"));
        team.setId("audit-team");
        actor.setLabel(getTranslation("audit.filter.actor"));
        actor.setId("audit-actor");
        action.setLabel(getTranslation("audit.filter.action"));
        action.setId("audit-action");
        action.setItems(ACTIONS);
        action.setItemLabelGenerator(value -> AuditWords.action(this, value));
        action.setAllowCustomValue(true);
        action.addCustomValueSetListener(custom -> action.setValue(custom.getDetail()));
        action.setClearButtonVisible(true);
        from.setLabel(getTranslation("audit.filter.from"));
        from.setId("audit-from");
        from.setLocale(getLocale());
        to.setLabel(getTranslation("audit.filter.to"));
        to.setId("audit-to");
        to.setLocale(getLocale());
        for (TextField field : List.of(team, actor)) {
            field.setClearButtonVisible(true);
            field.setValueChangeMode(ValueChangeMode.LAZY);
            field.addValueChangeListener(change -> firstPage());
        }
        action.addValueChangeListener(change -> firstPage());
        from.addValueChangeListener(change -> firstPage());
        to.addValueChangeListener(change -> firstPage());
        HorizontalLayout filters = new HorizontalLayout(team, actor, action, from, to);
        filters.setWrap(true);
        filters.setId("audit-filters");

        previous.setAriaLabel(getTranslation("audit.previous"));
        previous.setId("audit-previous");
        previous.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
        previous.addClickListener(click -> {
            page = Math.max(0, page - 1);
            load();
        });
        next.setAriaLabel(getTranslation("audit.next"));
        next.setId("audit-next");
        next.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
        next.addClickListener(click -> {
            page++;
            load();
        });
        pageLabel.setId("audit-page");
        HorizontalLayout paging = new HorizontalLayout(previous, pageLabel, next);
        paging.setAlignItems(FlexComponent.Alignment.CENTER);

        events = new Section("audit-events", getTranslation("audit.events"));
        add(filters, events, paging);
        load();
    }

    private void firstPage() {
        page = 0;
        load();
    }

    private void load() {
        AuditQuery query = new AuditQuery(blankToNull(team.getValue()), blankToNull(actor.getValue()),
                blankToNull(action.getValue()), instant(from.getValue()), instant(to.getValue()), page, PAGE_SIZE);
        pageLabel.setText(getTranslation("audit.page", page + 1));
        previous.setEnabled(page > 0);
        events.load("audit.load", () -> tenants.audit(query), this::grid);
    }

    private Component grid(List<AuditEvent> list) {
        next.setEnabled(list.size() == PAGE_SIZE);
        if (list.isEmpty()) {
            Paragraph none = new Paragraph(getTranslation("audit.none"));
            none.setId("audit-none");
            return none;
        }
        Grid<AuditEvent> grid = new Grid<>();
        grid.setId("audit-grid");
        grid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_WRAP_CELL_CONTENT);
        grid.setAllRowsVisible(true);
        grid.addColumn(event -> Formats.dateTime(event.at())).setHeader(getTranslation("common.when")).setAutoWidth(true);
        grid.addColumn(AuditEvent::actorUsername).setHeader(getTranslation("audit.actor")).setAutoWidth(true);
        grid.addColumn(event -> event.team() == null ? "" : event.team()).setHeader(getTranslation("audit.team"))
                .setAutoWidth(true);
        grid.addColumn(event -> AuditWords.action(this, event.action())).setHeader(getTranslation("audit.action"))
                .setAutoWidth(true);
        grid.addColumn(event -> event.target() == null ? "" : event.target()).setHeader(getTranslation("audit.target"))
                .setAutoWidth(true);
        grid.addComponentColumn(event -> {
            Badge outcome = new Badge(getTranslation("outcome." + event.outcome()));
            outcome.getElement().setAttribute("data-outcome", event.outcome());
            return outcome;
        }).setHeader(getTranslation("audit.outcome")).setAutoWidth(true);
        // The detail is the service's own message, written in English: marked as such so browsers, screen
        // readers and the translation check treat it as quoted English rather than an untranslated label.
        grid.addComponentColumn(event -> {
            Span detail = new Span(event.detail() == null ? "" : event.detail());
            detail.getElement().setAttribute("lang", "en");
            return detail;
        }).setHeader(getTranslation("audit.detail")).setFlexGrow(2);
        grid.setItems(list);
        return grid;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static Instant instant(LocalDateTime local) {
        return local == null ? null : local.atZone(Formats.zone()).toInstant();
    }

    @Override
    public String viewTitle() {
        return getTranslation("audit.title");
    }
}
