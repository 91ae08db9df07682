package ai.portal.ui.workloads;

import java.util.Optional;

import ai.portal.ui.backend.BackendException;
import ai.portal.ui.backend.TenantApi.Team;
import ai.portal.ui.backend.TenantClient;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.NotFoundException;

/**
 * The team a team page is for, as tenant-service answers the signed-in user: someone outside the team gets the
 * portal's "not found or not allowed" page, exactly as for a team that does not exist.
 */
final class TeamGate {

    static final String TEAM = "team";

    private TeamGate() {
    }

    static Optional<Team> enter(BeforeEnterEvent event, TenantClient tenants) {
        String slug = event.getRouteParameters().get(TEAM).orElse("");
        try {
            return Optional.of(tenants.team(slug));
        } catch (BackendException failure) {
            if (failure.notFoundOrForbidden()) {
                event.rerouteToError(NotFoundException.class);
                return Optional.empty();
            }
            throw failure;
        }
    }

    /** Owners and members launch; viewers and admins who are not in the team only look. */
    static boolean canLaunch(Team team) {
        return !team.archived() && ("owner".equals(team.myRole()) || "member".equals(team.myRole()));
    }
}
