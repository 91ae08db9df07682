package ai.portal.ui.workloads;

import ai.portal.ui.backend.JobsClient;
import ai.portal.ui.backend.TenantApi.Team;
import ai.portal.ui.backend.TenantClient;
import ai.portal.ui.components.PortalView;
import ai.portal.ui.components.Section;
import ai.portal.ui.live.LiveUpdates;
import ai.portal.ui.live.Topic;
import ai.portal.ui.security.CurrentUser;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.shared.Registration;
import jakarta.annotation.security.RolesAllowed;

/** A team's notebooks with their status, live; launch (owners and members), open, stop, start, delete. */
@Route("teams/:team/notebooks")
@RolesAllowed({CurrentUser.DATA_SCIENTIST, CurrentUser.PLATFORM_ADMIN})
public class NotebooksView extends VerticalLayout implements PortalView, BeforeEnterObserver {

    private final TenantClient tenants;
    private final JobsClient jobs;
    private final LiveUpdates live;
    private Team team;
    private Section list;
    private Registration watch;

    public NotebooksView(TenantClient tenants, JobsClient jobs, LiveUpdates live) {
        this.tenants = tenants;
        this.jobs = jobs;
        this.live = live;
        addClassName("portal-page");
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        TeamGate.enter(event, tenants).ifPresent(found -> {
            team = found;
            TeamShortcuts.remember(team.slug());
            removeAll();
            boolean canLaunch = TeamGate.canLaunch(team);
            if (canLaunch) {
                Button launch = new Button(getTranslation("notebooks.launch"), VaadinIcon.ROCKET.create(),
                        click -> new LaunchNotebookDialog(jobs, team, this::reload).open());
                launch.setId("launch-notebook");
                launch.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
                add(launch);
            }
            list = new Section("notebooks", getTranslation("notebooks.list"));
            add(list);
            list.load("notebooks.load", () -> jobs.notebooks(team.slug()),
                    notebooks -> WorkloadList.grid(this, team, notebooks, jobs, canLaunch, this::reload, null,
                            "notebooks.none"));
            if (watch != null) {
                watch.remove();
            }
            watch = live.watch(Topic.workloads(team.slug()), event.getUI(), this::reload);
        });
    }

    private void reload() {
        list.reload();
    }

    @Override
    protected void onDetach(DetachEvent detach) {
        if (watch != null) {
            watch.remove();
            watch = null;
        }
    }

    @Override
    public String viewTitle() {
        return team == null ? getTranslation("notebooks.title")
                : getTranslation("notebooks.title-of", team.displayName());
    }
}
