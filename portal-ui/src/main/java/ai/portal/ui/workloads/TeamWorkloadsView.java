package ai.portal.ui.workloads;

import java.util.List;
import java.util.function.Consumer;

import ai.portal.ui.backend.JobsApi.Workload;
import ai.portal.ui.backend.JobsClient;
import ai.portal.ui.backend.TenantApi.Team;
import ai.portal.ui.backend.TenantClient;
import ai.portal.ui.components.PortalView;
import ai.portal.ui.components.Section;
import ai.portal.ui.live.LiveUpdates;
import ai.portal.ui.live.Topic;
import ai.portal.ui.live.ViewWatches;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.icon.Icon;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;

/**
 * A team's notebooks or jobs, live: for owners and members the button that makes a new one, then the list. The
 * kind ({@code notebooks}, {@code jobs}) names the page's element ids and its texts ({@code <kind>.list},
 * {@code .load}, {@code .none}, {@code .title}, {@code .title-of}).
 */
abstract class TeamWorkloadsView extends VerticalLayout implements PortalView, BeforeEnterObserver {

    private final String kind;
    private final TenantClient tenants;
    private final ViewWatches watches;
    protected final JobsClient jobs;
    protected Team team;
    private Section list;

    TeamWorkloadsView(String kind, TenantClient tenants, JobsClient jobs, LiveUpdates live) {
        this.kind = kind;
        this.tenants = tenants;
        this.jobs = jobs;
        this.watches = live.watchesOf(this);
        addClassName("portal-page");
    }

    /** The team's workloads of this kind, as the signed-in user may see them. */
    protected abstract List<Workload> fetch(String team);

    /** The button that makes a new one: its text key, icon, id, and what a click opens. */
    protected abstract Button newButton();

    /** What "resubmit" does for one row, or null where the kind has no resubmit. */
    protected abstract Consumer<Workload> resubmit();

    protected Button newButton(String textKey, Icon icon, String id, Runnable open) {
        Button button = new Button(getTranslation(textKey), icon, click -> open.run());
        button.setId(id);
        button.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        return button;
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        TeamGate.enter(event, tenants).ifPresent(found -> {
            team = found;
            TeamShortcuts.remember(team.slug());
            removeAll();
            boolean canLaunch = TeamGate.canLaunch(team);
            if (canLaunch) {
                add(newButton());
            }
            list = new Section(kind, getTranslation(kind + ".list"));
            add(list);
            list.load(kind + ".load", () -> fetch(team.slug()),
                    workloads -> WorkloadList.grid(this, team, workloads, jobs, canLaunch, this::reload,
                            canLaunch ? resubmit() : null, kind + ".none"));
            watches.clear().add(Topic.workloads(team.slug()), event.getUI(), this::reload);
        });
    }

    protected void reload() {
        list.reload();
    }

    @Override
    public String viewTitle() {
        return team == null ? getTranslation(kind + ".title") : getTranslation(kind + ".title-of", team.displayName());
    }
}
