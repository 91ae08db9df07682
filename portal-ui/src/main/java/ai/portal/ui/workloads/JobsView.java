package ai.portal.ui.workloads;

import ai.portal.ui.backend.JobsApi.Workload;
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

/**
 * A team's training jobs with state, queue position, reason and estimated start, live; submit (owners and members),
 * cancel, resubmit, delete.
 */
@Route("teams/:team/jobs")
@RolesAllowed({CurrentUser.DATA_SCIENTIST, CurrentUser.PLATFORM_ADMIN})
public class JobsView extends VerticalLayout implements PortalView, BeforeEnterObserver {

    private final TenantClient tenants;
    private final JobsClient jobs;
    private final LiveUpdates live;
    private Team team;
    private Section list;
    private Registration watch;

    public JobsView(TenantClient tenants, JobsClient jobs, LiveUpdates live) {
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
                Button submit = new Button(getTranslation("jobs.submit"), VaadinIcon.PLUS.create(),
                        click -> new SubmitJobDialog(jobs, team, null, this::reload).open());
                submit.setId("submit-job");
                submit.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
                add(submit);
            }
            list = new Section("jobs", getTranslation("jobs.list"));
            add(list);
            list.load("jobs.load", () -> jobs.jobs(team.slug()),
                    list -> WorkloadList.grid(this, team, list, jobs, canLaunch, this::reload,
                            canLaunch ? this::resubmit : null, "jobs.none"));
            if (watch != null) {
                watch.remove();
            }
            watch = live.watch(Topic.workloads(team.slug()), event.getUI(), this::reload);
        });
    }

    private void resubmit(Workload job) {
        new SubmitJobDialog(jobs, team, job, this::reload).open();
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
        return team == null ? getTranslation("jobs.title") : getTranslation("jobs.title-of", team.displayName());
    }
}
