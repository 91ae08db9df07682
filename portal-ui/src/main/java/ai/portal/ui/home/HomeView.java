package ai.portal.ui.home;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.portal.ui.backend.TenantApi.AuditEvent;
import ai.portal.ui.backend.TenantApi.AuditQuery;
import ai.portal.ui.backend.TenantApi.GpuType;
import ai.portal.ui.backend.TenantApi.Me;
import ai.portal.ui.backend.TenantApi.Membership;
import ai.portal.ui.backend.TenantApi.QuotaRequest;
import ai.portal.ui.backend.TenantApi.QuotaUsage;
import ai.portal.ui.backend.JobsApi.Workload;
import ai.portal.ui.backend.JobsClient;
import ai.portal.ui.backend.TenantClient;
import ai.portal.ui.components.AuditWords;
import ai.portal.ui.components.PortalView;
import ai.portal.ui.components.Section;
import ai.portal.ui.i18n.Formats;
import ai.portal.ui.live.LiveUpdates;
import ai.portal.ui.live.Topic;
import ai.portal.ui.live.ViewWatches;
import ai.portal.ui.quota.UsageBars;
import ai.portal.ui.security.CurrentUser;
import ai.portal.ui.team.TeamView;
import ai.portal.ui.workloads.WorkloadList;
import ai.portal.ui.workloads.WorkloadView;
import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.badge.Badge;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.ListItem;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.html.UnorderedList;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouteParameters;
import com.vaadin.flow.router.RouterLink;
import jakarta.annotation.security.PermitAll;

/**
 * Where a user lands after login: their teams as links with what their role lets them do, each team's quota use
 * (per resource and per GPU type, used / hard), their workloads, and recent events. A guest learns how to get
 * access and asks for it ({@link AccessRequestPanel}). Quota bars follow changes live.
 */
@Route("")
@PermitAll
public class HomeView extends VerticalLayout implements PortalView {

    private final CurrentUser user;
    private final TenantClient tenants;
    private final ViewWatches watches;
    private final Map<String, Section> quotaSections = new LinkedHashMap<>();
    private final Section teams;
    private final Div quotas = new Div();
    private final JobsClient jobs;
    private Section workloads;

    public HomeView(CurrentUser user, TenantClient tenants, JobsClient jobs, LiveUpdates live) {
        this.user = user;
        this.jobs = jobs;
        this.tenants = tenants;
        this.watches = live.watchesOf(this);
        addClassName("portal-page");

        H3 welcome = new H3(getTranslation("home.welcome", user.displayName()));
        welcome.setId("welcome");
        HorizontalLayout roles = new HorizontalLayout();
        roles.setId("user-roles");
        roles.add(new Span(getTranslation("home.signed-in-as", user.username())));
        user.roles().stream()
                .filter(role -> role.equals(CurrentUser.PLATFORM_ADMIN) || role.equals(CurrentUser.DATA_SCIENTIST))
                .forEach(role -> roles.add(new Badge(getTranslation("role." + role))));
        add(welcome, roles);

        teams = new Section("my-teams", getTranslation("home.my-teams"));
        if (!user.hasPortalAccess()) {
            add(guestHelp());
            return;
        }
        quotas.setId("quota-use");
        quotas.addClassName("portal-grid-cards");
        workloads = new Section("my-workloads", getTranslation("home.workloads"));
        Section events = new Section("recent-events", getTranslation("home.events"));
        add(teams, quotas, workloads, events);

        teams.load("home.load-teams", tenants::me, this::showTeams);
        loadWorkloads();
        if (user.isPlatformAdmin()) {
            events.load("home.load-events", () -> tenants.audit(new AuditQuery(null, null, null, null, null, 0, 8)),
                    this::auditEvents);
        } else {
            events.load("home.load-events", this::myTeamsRequests, this::requestEvents);
        }
    }

    private Component guestHelp() {
        Div help = new Div();
        help.setId("no-access");
        help.addClassName("portal-callout");
        help.add(new Paragraph(getTranslation("home.guest.text")));
        help.add(new AccessRequestPanel(tenants, user));
        return help;
    }

    private Component showTeams(Me me) {
        quotas.removeAll();
        quotaSections.clear();
        if (me.teams().isEmpty()) {
            Paragraph none = new Paragraph(getTranslation("home.no-teams"));
            none.setId("no-teams");
            return none;
        }
        UnorderedList list = new UnorderedList();
        list.setId("team-list");
        list.addClassName("portal-team-list");
        for (Membership team : me.teams()) {
            RouterLink link = new RouterLink(team.displayName(), TeamView.class,
                    new RouteParameters(TeamView.TEAM, team.slug()));
            link.setId("team-link-" + team.slug());
            Badge role = new Badge(getTranslation("team-role." + team.role()));
            Span explanation = new Span(getTranslation("team-role." + team.role() + ".help"));
            explanation.addClassName("portal-hint");
            list.add(new ListItem(link, new Span(" "), role, explanation));

            Section quota = new Section("quota-" + team.slug(), getTranslation("home.quota-of", team.displayName()));
            quota.addClassName("portal-card");
            quotaSections.put(team.slug(), quota);
            quotas.add(quota);
            loadQuota(team.slug());
        }
        watchTeams(me.teams().stream().map(Membership::slug).toList());
        return list;
    }

    /** My running and queued notebooks and jobs across my teams, with reason, position and ETA. */
    private void loadWorkloads() {
        workloads.load("home.load-workloads", () -> jobs.mine().stream()
                .filter(w -> "Pending".equals(w.phase()) || "Running".equals(w.phase()) || "Stopping".equals(w.phase()))
                .toList(), this::workloadsView);
    }

    private Component workloadsView(List<Workload> mine) {
        if (mine.isEmpty()) {
            Paragraph none = new Paragraph(getTranslation("home.workloads.none"));
            none.setId("no-workloads");
            return none;
        }
        UnorderedList list = new UnorderedList();
        list.setId("workload-list");
        for (Workload workload : mine) {
            RouterLink link = new RouterLink(workload.team() + " / " + workload.name(), WorkloadView.class,
                    WorkloadView.parameters(workload.team(), workload.name()));
            list.add(new ListItem(link, WorkloadList.status(this, workload)));
        }
        return list;
    }

    private void loadQuota(String slug) {
        Section section = quotaSections.get(slug);
        section.load("home.load-quota", () -> new UsageWithNames(tenants.usage(slug), gpuNames()),
                loaded -> new UsageBars(loaded.usage(), loaded.names()));
    }

    private Map<String, String> gpuNames() {
        Map<String, String> names = new LinkedHashMap<>();
        for (GpuType type : tenants.gpuTypes()) {
            names.put(type.name(), type.displayName());
        }
        return names;
    }

    private record UsageWithNames(QuotaUsage usage, Map<String, String> names) {
    }

    private void watchTeams(List<String> slugs) {
        watches.clear();
        getUI().ifPresent(ui -> slugs.forEach(slug -> watches.add(Topic.team(slug), ui, () -> loadQuota(slug))
                .add(Topic.workloads(slug), ui, this::loadWorkloads)));
    }

    private List<QuotaRequest> myTeamsRequests() {
        List<QuotaRequest> all = new ArrayList<>();
        for (Membership team : tenants.me().teams()) {
            all.addAll(tenants.quotaRequests(team.slug()));
        }
        all.sort((a, b) -> b.createdAt().compareTo(a.createdAt()));
        return all.subList(0, Math.min(8, all.size()));
    }

    private Component requestEvents(List<QuotaRequest> requests) {
        if (requests.isEmpty()) {
            return new Paragraph(getTranslation("home.events.none"));
        }
        UnorderedList list = new UnorderedList();
        for (QuotaRequest request : requests) {
            String text = getTranslation("home.event.quota-request", request.requestedBy(), request.team(),
                    getTranslation("request-status." + request.status()));
            list.add(new ListItem(new Span(Formats.dateTime(request.createdAt()) + " · "), new Span(text)));
        }
        return list;
    }

    private Component auditEvents(List<AuditEvent> events) {
        if (events.isEmpty()) {
            return new Paragraph(getTranslation("home.events.none"));
        }
        UnorderedList list = new UnorderedList();
        for (AuditEvent event : events) {
            String text = getTranslation("home.event.audit", event.actorUsername(),
                    AuditWords.action(this, event.action()), event.target() == null ? "" : event.target(),
                    getTranslation("outcome." + event.outcome()));
            list.add(new ListItem(new Span(Formats.dateTime(event.at()) + " · "), new Span(text)));
        }
        return list;
    }

    @Override
    protected void onAttach(AttachEvent attach) {
        if (!quotaSections.isEmpty()) {
            watchTeams(List.copyOf(quotaSections.keySet()));
        }
    }

    @Override
    public String viewTitle() {
        return getTranslation("home.title");
    }
}
