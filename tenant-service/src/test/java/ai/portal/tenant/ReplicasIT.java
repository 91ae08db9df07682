package ai.portal.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;

/**
 * Two replicas of one installation: both serve the API, exactly one (the holder of the Lease) runs the reconciler,
 * a change made through the other is reconciled by the leader, and when the leader is killed the other takes over.
 */
class ReplicasIT {

    static TenantInstallation tenant;

    @BeforeAll
    static void start() {
        tenant = TenantInstallation.start("replicas", 2, Map.of("portal.reconcile.lease-duration", "8s",
                "portal.reconcile.renew-deadline", "6s", "portal.reconcile.retry-period", "1s"));
    }

    @AfterAll
    static void stop() {
        if (tenant != null) {
            tenant.close();
        }
    }

    @Test
    void oneReplicaLeadsTheOtherPassesChangesOnAndTakesOverWhenTheLeaderDies() {
        int leader = awaitOneLeader(Duration.ofMinutes(1));
        int follower = 1 - leader;
        assertThat(reconciler(follower).path("leader").asBoolean()).as("only one leads").isFalse();
        assertThat(reconciler(follower).path("leaderIdentity").asString())
                .isEqualTo(reconciler(leader).path("identity").asString());

        String first = "rep-" + UUID.randomUUID().toString().substring(0, 6);
        assertThat(tenant.call(follower, "admin", HttpMethod.POST, "/api/v1/teams",
                Map.of("slug", first, "displayName", "Via the follower", "owner", "carol")).status()).isEqualTo(201);
        awaitReady(follower, first);
        assertThat(tenant.reconcileRuns(follower)).as("the follower reconciles nothing").isZero();
        assertThat(tenant.reconcileRuns(leader)).as("the leader reconciled the follower's change").isPositive();

        tenant.replica(leader).kill();
        assertThat(awaitOneLeader(Duration.ofMinutes(1))).as("the follower takes over").isEqualTo(follower);
        String second = "rep-" + UUID.randomUUID().toString().substring(0, 6);
        assertThat(tenant.call(follower, "admin", HttpMethod.POST, "/api/v1/teams",
                Map.of("slug", second, "displayName", "After the failover", "owner", "carol")).status())
                .isEqualTo(201);
        awaitReady(follower, second);
        assertThat(tenant.reconcileRuns(follower)).as("the new leader reconciles").isPositive();

        tenant.replica(leader).restart();
        TenantApiTestSupport.sleep(5000);
        assertThat(reconciler(leader).path("leader").asBoolean())
                .as("the restarted replica does not take the lease from a live leader").isFalse();
        assertThat(reconciler(follower).path("leader").asBoolean()).isTrue();
        assertThat(reconciler(leader).path("leaderIdentity").asString())
                .isEqualTo(reconciler(follower).path("identity").asString());

        // and a change through the restarted replica, now the follower, reaches the new leader
        String third = "rep-" + UUID.randomUUID().toString().substring(0, 6);
        assertThat(tenant.call(leader, "admin", HttpMethod.POST, "/api/v1/teams",
                Map.of("slug", third, "displayName", "Via the restarted replica", "owner", "carol")).status())
                .isEqualTo(201);
        awaitReady(leader, third);
        assertThat(tenant.reconcileRuns(leader)).as("the restarted replica reconciles nothing").isZero();
    }

    static tools.jackson.databind.JsonNode reconciler(int replica) {
        return tenant.health(replica).path("components").path("reconciler").path("details");
    }

    static int awaitOneLeader(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            int leader = tenant.leader();
            if (leader >= 0) {
                return leader;
            }
            TenantApiTestSupport.sleep(500);
        }
        throw new AssertionError("no replica leads after " + timeout);
    }

    static void awaitReady(int replica, String slug) {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            if ("Ready".equals(tenant.phase(replica, slug))) {
                return;
            }
            TenantApiTestSupport.sleep(1000);
        }
        throw new AssertionError(slug + " never became Ready: " + tenant.team(replica, slug));
    }
}
