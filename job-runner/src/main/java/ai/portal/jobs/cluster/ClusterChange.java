package ai.portal.jobs.cluster;

/**
 * Something the informers saw change that may change what a workload's status says: one workload's object, or a
 * whole team's queue (a ClusterQueue's usage moved, so every waiting workload of the team may have moved too).
 *
 * @param namespace the team namespace
 * @param workload  the portal workload's name, or null when the change concerns the whole team
 * @param source    what changed, for logs and tests: Pod, Job, StatefulSet, Workload, ClusterQueue, Event, ...
 */
public record ClusterChange(String namespace, String workload, String source) {

    public boolean wholeTeam() {
        return workload == null;
    }
}
