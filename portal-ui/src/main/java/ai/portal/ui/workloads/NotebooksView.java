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

/** A team's notebooks with their status, live; launch (owners and members), open, stop, start, delete. */
@Route("teams/:team/notebooks")
@RolesAllowed({CurrentUser.DATA_SCIENTIST, CurrentUser.PLATFORM_ADMIN})
public class NotebooksView extends TeamWorkloadsView {

    public NotebooksView(TenantClient tenants, JobsClient jobs, LiveUpdates live) {
        super("notebooks", tenants, jobs, live);
    }

    @Override
    protected List<Workload> fetch(String team) {
        return jobs.notebooks(team);
    }

    @Override
    protected Button newButton() {
        return newButton("notebooks.launch", VaadinIcon.ROCKET.create(), "launch-notebook",
                () -> new LaunchNotebookDialog(jobs, team, this::reload).open());
    }

    /** Notebooks are started again, not resubmitted. */
    @Override
    protected Consumer<Workload> resubmit() {
        return null;
    }
}
