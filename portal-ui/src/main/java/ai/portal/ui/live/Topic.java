package ai.portal.ui.live;

/**
 * Something several open tabs watch: a team's state ({@code team/vision}), the platform admin's queue
 * ({@code admin/queue}). One upstream watch per topic, however many tabs show it.
 */
public record Topic(String kind, String key) {

    public static final String TEAM = "team";
    public static final String ADMIN = "admin";
    public static final String WORKLOADS = "workloads";
    public static final String MODELS = "models";

    public static Topic team(String slug) {
        return new Topic(TEAM, slug);
    }

    /** A team's notebooks and jobs: status, queue positions, estimated starts. */
    public static Topic workloads(String team) {
        return new Topic(WORKLOADS, team);
    }

    /** A team's model deployments: status, replicas, the autoscaler's decisions and conditions. */
    public static Topic models(String team) {
        return new Topic(MODELS, team);
    }

    public static Topic admin() {
        return new Topic(ADMIN, "queue");
    }

    @Override
    public String toString() {
        return kind + "/" + key;
    }
}
