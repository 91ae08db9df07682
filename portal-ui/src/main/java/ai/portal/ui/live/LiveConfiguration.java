package ai.portal.ui.live;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import ai.portal.ui.backend.JobsClient;
import ai.portal.ui.backend.TenantClient;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** What each kind of topic watches upstream. */
@Configuration
class LiveConfiguration {

    @Bean(destroyMethod = "close")
    LiveUpdates liveUpdates(TenantClient tenants, JobsClient jobs,
                            @Value("${portal.ui.live.interval:3s}") Duration interval) {
        return new LiveUpdates(Map.of(
                Topic.TEAM, topic -> teamFingerprint(tenants, topic.key()),
                Topic.WORKLOADS, topic -> workloadsFingerprint(jobs, topic.key()),
                Topic.ADMIN, topic -> adminFingerprint(tenants)), interval);
    }

    /** What the notebook and job lists show: each workload's phase, stage, reason, place in the queue and ETA. */
    static Object workloadsFingerprint(JobsClient jobs, String team) {
        return jobs.workloads(team).stream().map(w -> List.of(w.name(), w.phase(), String.valueOf(w.desired()),
                String.valueOf(w.status())))
                .toList();
    }

    /** What a team page shows that others can change: status, use of the quota, members, quota and requests. */
    static Object teamFingerprint(TenantClient tenants, String slug) {
        var team = tenants.team(slug);
        return List.of(
                List.of(team.state(), team.phase(), String.valueOf(team.status() == null ? "" : team.status().message())),
                tenants.usage(slug),
                tenants.quota(slug),
                tenants.members(slug),
                tenants.quotaRequests(slug).stream().map(r -> r.id() + ":" + r.status()).toList());
    }

    /** What the admin pages show that changes by itself or by others: teams and their status, pending requests. */
    static Object adminFingerprint(TenantClient tenants) {
        return List.of(
                tenants.teams().stream().map(t -> t.slug() + ":" + t.state() + ":" + t.phase()).toList(),
                tenants.quotaRequestsWithStatus("pending").stream().map(r -> r.id()).toList());
    }
}
