package ai.portal.ui.team;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.portal.ui.backend.BackendException;
import ai.portal.ui.backend.TenantApi.GpuType;
import ai.portal.ui.backend.TenantApi.Member;
import ai.portal.ui.backend.TenantApi.Quota;
import ai.portal.ui.backend.TenantApi.QuotaRequest;
import ai.portal.ui.backend.TenantApi.QuotaUsage;
import ai.portal.ui.backend.TenantApi.Team;
import ai.portal.ui.backend.JobsApi.TrackingStatus;
import ai.portal.ui.backend.JobsClient;
import ai.portal.ui.backend.TenantClient;
import ai.portal.ui.usage.TeamUsage;
import ai.portal.ui.components.Async;
import ai.portal.ui.components.PortalView;
import ai.portal.ui.components.Section;
import ai.portal.ui.components.Toasts;
import ai.portal.ui.i18n.Formats;
import ai.portal.ui.live.LiveUpdates;
import ai.portal.ui.live.Topic;
import ai.portal.ui.live.ViewWatches;
import ai.portal.ui.quota.QuotaText;
import ai.portal.ui.quota.UsageBars;
import ai.portal.ui.security.CurrentUser;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.badge.Badge;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.NotFoundException;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.PermitAll;

/**
 * One team: its status, members and roles (owners and platform admins manage them), quota and use, and its quota
 * requests with their history (members and owners may ask for more). Someone who is not in the team gets the same
 * "not found or not allowed" page as for a team that does not exist. Follows changes live.
 */
@Route("teams/:team")
@PermitAll
public class TeamView extends VerticalLayout implements PortalView, BeforeEnterObserver {

    public static final String TEAM = "team";
    static final List<String> ROLES = List.of("owner", "member", "viewer");

    private final CurrentUser user;
    private final TenantClient tenants;
    private final ViewWatches watches;
    private final JobsClient jobs;
    private Team team;

    private final Div header = new Div();
    private Section members;
    private Section quota;
    private Section requests;
    private Section gpuHours;
    private Section tracking;
    private Section models;

    public TeamView(CurrentUser user, TenantClient tenants, JobsClient jobs, LiveUpdates live) {
        this.user = user;
        this.tenants = tenants;
        this.jobs = jobs;
        this.watches = live.watchesOf(this);
        addClassName("portal-page");
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        String slug = event.getRouteParameters().get(TEAM).orElse("");
        try {
            team = tenants.team(slug);
        } catch (BackendException failure) {
            if (failure.notFoundOrForbidden()) {
                event.rerouteToError(NotFoundException.class);
                return;
            }
            throw failure;
        }
        render();
        // GPU-hours move when the team's workloads start or end
        watches.clear().add(Topic.team(team.slug()), event.getUI(), this::refresh)
                .add(Topic.workloads(team.slug()), event.getUI(), () -> gpuHours.reload())
                // model deployments' status and autoscaling move by themselves
                .add(Topic.models(team.slug()), event.getUI(), () -> models.reload());
    }

    private void render() {
        removeAll();
        header.setId("team-header");
        header.addClassName("portal-team-header");
        showHeader();

        members = new Section("team-members", getTranslation("team.members"));
        quota = new Section("team-quota", getTranslation("team.quota"));
        requests = new Section("team-quota-requests", getTranslation("team.quota-requests"));
        gpuHours = new Section("team-gpu-hours", getTranslation("team.gpu-hours"));
        tracking = new Section("team-tracking", getTranslation("team.tracking"));
        models = new Section("team-models", getTranslation("team.models"));
        add(header, members, quota, gpuHours, tracking, models, requests);
        tracking.load("team.load-tracking", () -> jobs.tracking(team.slug()), this::trackingView);
        TeamModels.load(models, jobs, team.slug(), user.isPlatformAdmin() || "owner".equals(team.myRole())
                || "member".equals(team.myRole()));

        members.load("team.load-members", () -> tenants.members(team.slug()), this::membersView);
        quota.load("team.load-quota", this::quotaData, this::quotaView);
        requests.load("team.load-requests", () -> tenants.quotaRequests(team.slug()), this::requestsView);
        TeamUsage.load(gpuHours, jobs, team.slug());
    }

    /** A change seen by the shared watch: reload with this user's own token (a removed member gets not-found). */
    private void refresh() {
        String slug = team.slug();
        Async.run(UI.getCurrent(), () -> tenants.team(slug), fresh -> {
            team = fresh;
            showHeader();
            members.reload();
            quota.reload();
            requests.reload();
        }, failure -> {
            if (failure.notFoundOrForbidden()) {
                UI.getCurrent().navigate("teams/" + slug);
            }
        });
    }

    private void showHeader() {
        header.removeAll();
        H3 name = new H3(team.displayName());
        name.setId("team-name");
        Badge phase = new Badge(getTranslation("team-phase." + team.phase()));
        phase.setId("team-phase");
        HorizontalLayout line = new HorizontalLayout(name, phase);
        line.setAlignItems(FlexComponent.Alignment.BASELINE);
        if (team.archived()) {
            Badge archived = new Badge(getTranslation("team-state.archived"));
            archived.setId("team-archived");
            line.add(archived);
        }
        header.add(line);
        if (team.description() != null && !team.description().isBlank()) {
            header.add(new Paragraph(team.description()));
        }
        Span facts = new Span(getTranslation("team.facts", team.slug(), team.namespace(),
                Formats.date(team.createdAt())));
        facts.addClassName("portal-hint");
        header.add(facts);
        if (team.myRole() != null) {
            Paragraph role = new Paragraph(getTranslation("team.your-role", getTranslation("team-role." + team.myRole()),
                    getTranslation("team-role." + team.myRole() + ".help")));
            role.setId("team-my-role");
            header.add(role);
        }
        if ("Error".equals(team.phase()) && team.status() != null) {
            Paragraph error = new Paragraph(team.status().message());
            error.addClassName("portal-problem");
            header.add(error);
        }
    }

    /** Experiment tracking: its state in words, on/off for owners, and the MLflow UI in a new tab once ready. */
    private Component trackingView(TrackingStatus status) {
        VerticalLayout content = new VerticalLayout();
        content.setPadding(false);
        Badge state = new Badge(getTranslation("tracking-state." + status.state()));
        state.setId("tracking-state");
        Paragraph message = new Paragraph(getTranslation("tracking-state." + status.state() + ".help"));
        message.setId("tracking-message");
        if ("failed".equals(status.state()) && status.message() != null) {
            message.setText(message.getText() + " " + status.message());
        }
        HorizontalLayout actions = new HorizontalLayout();
        if (status.enabled() && "ready".equals(status.state())) {
            Anchor open = new Anchor(jobs.trackingUrl(status), getTranslation("team.tracking.open"));
            open.setTarget("_blank");
            open.setId("tracking-open");
            actions.add(open);
        }
        if (canManage() && (!team.archived() || status.enabled())) {
            Button toggle = new Button(getTranslation(status.enabled() ? "team.tracking.off" : "team.tracking.on"));
            toggle.setId("tracking-toggle");
            if (!status.enabled()) {
                toggle.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
            }
            toggle.addClickListener(click -> {
                toggle.setEnabled(false);
                Async.run(UI.getCurrent(), () -> jobs.setTracking(team.slug(), !status.enabled()), changed -> {
                    Toasts.success(getTranslation(changed.enabled() ? "team.tracking.switched-on"
                            : "team.tracking.switched-off"));
                    tracking.reload();
                }, failure -> {
                    toggle.setEnabled(true);
                    Toasts.failure(this, "team.action.tracking", failure);
                });
            });
            actions.add(toggle);
        }
        if (status.enabled() && !"ready".equals(status.state()) && !"failed".equals(status.state())) {
            Button check = new Button(getTranslation("team.tracking.check"), VaadinIcon.REFRESH.create());
            check.setId("tracking-refresh");
            check.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
            check.addClickListener(click -> tracking.reload());
            actions.add(check);
        }
        content.add(new HorizontalLayout(state), message, actions);
        return content;
    }

    private boolean canManage() {
        return user.isPlatformAdmin() || "owner".equals(team.myRole());
    }

    private boolean canRequest() {
        return !team.archived() && ("owner".equals(team.myRole()) || "member".equals(team.myRole()));
    }

    // --- members -------------------------------------------------------------------------------------------------

    private Component membersView(List<Member> list) {
        Grid<Member> grid = new Grid<>();
        grid.setId("members-grid");
        grid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_NO_BORDER);
        grid.setAllRowsVisible(true);
        grid.addColumn(Member::username).setHeader(getTranslation("team.member.username")).setAutoWidth(true);
        if (canManage()) {
            grid.addComponentColumn(this::roleSelect).setHeader(getTranslation("team.member.role")).setAutoWidth(true);
            grid.addComponentColumn(this::removeButton).setHeader(getTranslation("common.actions")).setAutoWidth(true);
        } else {
            grid.addColumn(member -> getTranslation("team-role." + member.role()))
                    .setHeader(getTranslation("team.member.role"));
        }
        grid.setItems(list);
        VerticalLayout content = new VerticalLayout(grid);
        content.setPadding(false);
        if (canManage() && !team.archived()) {
            content.add(addMemberForm());
        }
        return content;
    }

    private Component roleSelect(Member member) {
        Select<String> role = new Select<>();
        role.setItems(ROLES);
        role.setItemLabelGenerator(value -> getTranslation("team-role." + value));
        role.setValue(member.role());
        role.setAriaLabel(getTranslation("team.member.role-of", member.username()));
        role.setId("role-" + member.username());
        role.addValueChangeListener(change -> {
            if (!change.isFromClient()) {
                return;
            }
            Async.run(UI.getCurrent(), () -> tenants.changeRole(team.slug(), member.username(), change.getValue()),
                    changed -> {
                        Toasts.success(getTranslation("team.member.role-changed", member.username(),
                                getTranslation("team-role." + changed.role())));
                        members.reload();
                    },
                    failure -> {
                        Toasts.failure(this, "team.action.change-role", failure);
                        members.reload();
                    });
        });
        return role;
    }

    private Component removeButton(Member member) {
        Button remove = new Button(VaadinIcon.TRASH.create());
        remove.addThemeVariants(ButtonVariant.LUMO_TERTIARY, ButtonVariant.LUMO_ERROR);
        remove.setAriaLabel(getTranslation("team.member.remove", member.username()));
        remove.setTooltipText(getTranslation("team.member.remove", member.username()));
        remove.setId("remove-" + member.username());
        remove.addClickListener(click -> {
            ConfirmDialog confirm = new ConfirmDialog(getTranslation("team.member.remove", member.username()),
                    getTranslation("team.member.remove.confirm", member.username(), team.displayName()),
                    getTranslation("common.remove"), ok -> Async.run(UI.getCurrent(),
                    () -> {
                        tenants.removeMember(team.slug(), member.username());
                        return member;
                    },
                    removed -> {
                        Toasts.success(getTranslation("team.member.removed", removed.username()));
                        members.reload();
                    },
                    failure -> Toasts.failure(this, "team.action.remove-member", failure)));
            confirm.setCancelable(true);
            confirm.setCancelText(getTranslation("common.cancel"));
            confirm.setConfirmButtonTheme("error primary");
            confirm.open();
        });
        return remove;
    }

    private Component addMemberForm() {
        TextField username = new TextField(getTranslation("team.member.username"));
        username.setId("new-member-username");
        username.setHelperText(getTranslation("team.member.username.help"));
        username.setValueChangeMode(ValueChangeMode.EAGER);
        Select<String> role = new Select<>();
        role.setLabel(getTranslation("team.member.role"));
        role.setId("new-member-role");
        role.setItems(ROLES);
        role.setItemLabelGenerator(value -> getTranslation("team-role." + value));
        role.setValue("member");
        Button add = new Button(getTranslation("team.member.add"), VaadinIcon.PLUS.create());
        add.setId("add-member");
        add.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        add.setEnabled(false);
        username.addValueChangeListener(change -> {
            boolean blank = change.getValue().isBlank();
            add.setEnabled(!blank);
            username.setInvalid(false);
        });
        add.addClickListener(click -> {
            add.setEnabled(false);
            String name = username.getValue().strip();
            Async.run(UI.getCurrent(), () -> tenants.addMember(team.slug(), name, role.getValue()),
                    added -> {
                        Toasts.success(getTranslation("team.member.added", added.username(),
                                getTranslation("team-role." + added.role())));
                        username.clear();
                        members.reload();
                    },
                    failure -> {
                        add.setEnabled(true);
                        if (failure.status() == 404) {
                            username.setErrorMessage(getTranslation("team.member.unknown-user", name));
                            username.setInvalid(true);
                        } else {
                            Toasts.failure(this, "team.action.add-member", failure);
                        }
                    });
        });
        HorizontalLayout form = new HorizontalLayout(username, role, add);
        form.setAlignItems(FlexComponent.Alignment.BASELINE);
        form.setWrap(true);
        form.setId("add-member-form");
        return form;
    }

    // --- quota ---------------------------------------------------------------------------------------------------

    private record QuotaData(Quota quota, QuotaUsage usage, List<GpuType> types) {
        Map<String, String> names() {
            Map<String, String> names = new LinkedHashMap<>();
            types.forEach(type -> names.put(type.name(), type.displayName()));
            return names;
        }
    }

    private QuotaData quotaData() {
        return new QuotaData(tenants.quota(team.slug()), tenants.usage(team.slug()), tenants.gpuTypes());
    }

    private Component quotaView(QuotaData data) {
        VerticalLayout content = new VerticalLayout();
        content.setPadding(false);
        content.add(new UsageBars(data.usage(), data.names()));
        Paragraph limits = new Paragraph(QuotaText.summary(this, data.quota(), data.names()));
        limits.setId("team-quota-summary");
        content.add(limits);
        if (canRequest()) {
            Button ask = new Button(getTranslation("team.request.ask"), VaadinIcon.ARROW_UP.create());
            ask.setId("ask-for-quota");
            ask.addClickListener(click -> new QuotaRequestDialog(tenants, team, data.quota(), data.types(),
                    requests::reload).open());
            content.add(ask);
        }
        return content;
    }

    // --- quota requests ------------------------------------------------------------------------------------------

    private Component requestsView(List<QuotaRequest> list) {
        if (list.isEmpty()) {
            Paragraph none = new Paragraph(getTranslation("team.request.none"));
            none.setId("no-quota-requests");
            return none;
        }
        Grid<QuotaRequest> grid = new Grid<>();
        grid.setId("quota-requests-grid");
        grid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_WRAP_CELL_CONTENT);
        grid.setAllRowsVisible(true);
        grid.addColumn(request -> Formats.dateTime(request.createdAt())).setHeader(getTranslation("common.when"))
                .setAutoWidth(true);
        grid.addColumn(QuotaRequest::requestedBy).setHeader(getTranslation("team.request.by")).setAutoWidth(true);
        grid.addColumn(request -> QuotaText.summary(this, request.requested(), Map.of()))
                .setHeader(getTranslation("team.request.requested")).setFlexGrow(2);
        grid.addColumn(QuotaRequest::reason).setHeader(getTranslation("team.request.reason")).setFlexGrow(2);
        grid.addComponentColumn(request -> {
            Badge status = new Badge(getTranslation("request-status." + request.status()));
            status.getElement().setAttribute("data-status", request.status());
            return status;
        }).setHeader(getTranslation("team.request.status")).setAutoWidth(true);
        grid.addColumn(request -> request.decidedBy() == null ? ""
                        : getTranslation("team.request.decision", request.decidedBy(),
                        request.decisionReason() == null ? "" : request.decisionReason()))
                .setHeader(getTranslation("team.request.decided")).setFlexGrow(2);
        grid.setItems(list);
        return grid;
    }

    @Override
    public String viewTitle() {
        return team == null ? getTranslation("team.title") : getTranslation("team.title-of", team.displayName());
    }
}
