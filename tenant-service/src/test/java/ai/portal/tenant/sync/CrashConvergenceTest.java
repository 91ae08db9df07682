package ai.portal.tenant.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;

import ai.portal.platform.team.TeamRole;
import ai.portal.tenant.TenantApiTestSupport;
import ai.portal.tenant.domain.Member;
import ai.portal.tenant.domain.Quota;
import ai.portal.tenant.domain.TeamSnapshot;
import ai.portal.tenant.domain.TeamState;
import ai.portal.tenant.domain.TeamSync;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * The database is the truth; Kubernetes follows it even when the service died between the two. A team whose rows
 * were committed but never applied (the process stopped right after the commit) is provisioned by the resync that
 * runs at start; a namespace labelled as the portal's whose team is gone is removed by it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class CrashConvergenceTest extends TenantApiTestSupport {

    @Autowired
    DatabaseClient db;

    @Autowired
    KubernetesClient kubernetes;

    @Autowired
    TeamReconciler reconciler;

    @Autowired
    List<TeamSync> syncs;

    @Test
    void teamCommittedButNeverAppliedIsProvisionedByTheStartupResync() {
        String slug = newSlug("crashed");
        // exactly what TeamService commits for a new team, without the request to the reconciler that follows it
        db.sql("insert into team (slug, display_name) values (:slug, 'Committed before the crash')")
                .bind("slug", slug).then()
                .then(db.sql("insert into team_member (team_slug, user_subject, username, role) values (:slug, :sub, 'carol', 'owner')")
                        .bind("slug", slug).bind("sub", subjectOf("carol")).then())
                .then(db.sql("insert into team_quota (team_slug, cpu, memory, storage, pvcs, max_notebooks) values (:slug, '4', '8Gi', '20Gi', 2, 1)")
                        .bind("slug", slug).then())
                .block();
        trackForCleanup(slug);
        assertThat(kubernetes.namespaces().withName("team-" + slug).get()).isNull();

        reconciler.requestEveryTeam();

        kubernetes.resourceQuotas().inNamespace("team-" + slug).withName("team-quota")
                .waitUntilCondition(quota -> quota != null, 90, TimeUnit.SECONDS);
        awaitPhase(slug, "Ready");
    }

    @Test
    void namespaceOfATeamThatNoLongerExistsIsRemovedByTheResync() {
        String slug = newSlug("orphan");
        // provisioned by the portal, then its rows vanished (restored from an older backup, say)
        TeamSync kubernetesSync = syncs.stream().filter(sync -> sync.name().equals("kubernetes")).findFirst().orElseThrow();
        kubernetesSync.converge(new TeamSnapshot(slug, "Orphan", "", TeamState.ACTIVE, Quota.DEFAULT,
                List.of(new Member(subjectOf("carol"), "carol", TeamRole.OWNER)))).block();
        assertThat(kubernetes.namespaces().withName("team-" + slug).get()).isNotNull();

        // the resync leaves orphans alone for a grace period (10 minutes); here it is over at once
        reconciler.requestEveryTeam(java.time.Duration.ZERO);

        kubernetes.namespaces().withName("team-" + slug).waitUntilCondition(
                namespace -> namespace == null || namespace.getMetadata().getDeletionTimestamp() != null,
                90, TimeUnit.SECONDS);
    }
}
