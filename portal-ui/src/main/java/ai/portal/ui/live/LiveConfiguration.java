package ai.portal.ui.live;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.portal.ui.backend.JobsApi.Workload;
import ai.portal.ui.backend.JobsClient;
import ai.portal.ui.backend.TenantClient;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.Disposable;

/** What each kind of topic watches upstream: the job runner's stream for workloads, probes of tenant-service. */
@Configuration
class LiveConfiguration {

    @Bean(destroyMethod = "close")
    LiveUpdates liveUpdates(TenantClient tenants, JobsClient jobs,
                            @Value("${portal.ui.live.interval:3s}") Duration interval) {
        return new LiveUpdates(
                Map.of(Topic.TEAM, topic -> teamFingerprint(tenants, topic.key()),
                        Topic.ADMIN, topic -> adminFingerprint(tenants),
                        Topic.MODELS, topic -> modelsFingerprint(jobs, topic.key())),
                Map.of(Topic.WORKLOADS, (topic, events) -> workloadStream(jobs, topic.key(), events)),
                interval);
    }

    /**
     * A team's notebooks and jobs from the job runner's server-sent events: the items are the workloads by name,
     * each fingerprinted by what the lists and the detail show (phase, stage, reason, place in the queue, ETA...).
     */
    static AutoCloseable workloadStream(JobsClient jobs, String team, ChangeSource.Events events) {
        Disposable stream = jobs.workloadStream(team, event -> {
            switch (event) {
                case JobsClient.Snapshot snapshot -> {
                    Map<String, Workload> all = new LinkedHashMap<>();
                    snapshot.workloads().forEach(workload -> all.put(workload.name(), workload));
                    events.all(all);
                }
                case JobsClient.Changed changed -> events.one(changed.workload().name(), changed.workload());
                case JobsClient.Removed removed -> events.one(removed.name(), null);
                case JobsClient.Denied denied -> events.ended(true);
            }
        }, failure -> events.ended(failure != null && (failure.notFoundOrForbidden() || failure.status() == 401)));
        return stream::dispose;
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

    /**
     * What a team's model deployments show that changes by itself: state, Ready replicas, the versions serving, a
     * rollout, and the autoscaler's replicas and conditions. Not the metrics' readings, which move at every scrape:
     * they are shown as of the last change.
     */
    static Object modelsFingerprint(JobsClient jobs, String team) {
        return jobs.modelDeployments(team).stream().map(deployment -> List.of(deployment.name(),
                deployment.version(), deployment.replicas(), String.valueOf(deployment.autoscaling()),
                deployment.status().state(), deployment.status().readyReplicas(),
                deployment.status().servingVersions(), String.valueOf(deployment.status().rollout()),
                deployment.autoscalingStatus() == null ? List.of() : List.of(
                        String.valueOf(deployment.autoscalingStatus().currentReplicas()),
                        String.valueOf(deployment.autoscalingStatus().desiredReplicas()),
                        deployment.autoscalingStatus().conditions().stream()
                                .map(condition -> condition.code() + ":" + condition.metric()).toList())))
                .toList();
    }

    /** What the admin pages show that changes by itself or by others: teams and their status, pending quota and
     * access requests. */
    static Object adminFingerprint(TenantClient tenants) {
        return List.of(
                tenants.teams().stream().map(t -> t.slug() + ":" + t.state() + ":" + t.phase()).toList(),
                tenants.quotaRequestsWithStatus("pending").stream().map(r -> r.id()).toList(),
                tenants.accessRequestsWithStatus("pending").stream().map(r -> r.id()).toList());
    }
}
