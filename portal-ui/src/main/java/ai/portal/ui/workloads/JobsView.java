package ai.portal.ui.workloads;

import java.util.List;
import java.util.function.Consumer;

import ai.portal.ui.backend.JobsApi.Workload;
import ai.portal.ui.backend.JobsClient;
import ai.portal.ui.backend.TenantClient;
import ai.portal.ui.live.LiveUpdates;
import ai.portal.ui.security.CurrentUser;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.RolesAllowed;

/**
 * A team's training jobs with state, queue position, reason and estimated start, live; submit (owners and members),
 * cancel, resubmit, delete.
 */
@Route("teams/:team/jobs")
@RolesAllowed({CurrentUser.DATA_SCIENTIST, CurrentUser.PLATFORM_ADMIN})
public class JobsView extends TeamWorkloadsView {

    public JobsView(TenantClient tenants, JobsClient jobs, LiveUpdates live) {
        super("jobs", tenants, jobs, live);
    }

    @Override
    protected List<Workload> fetch(String team) {
        return jobs.jobs(team);
    }

    @Override
    protected Button newButton() {
        return newButton("jobs.submit", VaadinIcon.PLUS.create(), "submit-job",
                () -> new SubmitJobDialog(jobs, team, null, this::reload).open());
    }

    @Override
    protected Consumer<Workload> resubmit() {
        return job -> new SubmitJobDialog(jobs, team, job, this::reload).open();
    }
}
