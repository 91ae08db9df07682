package ai.portal.platform.team;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The label and annotation keys the portal puts on what it creates. Every object carries {@link #MANAGED_BY} and
 * {@link #INSTANCE}: an installation acts only on objects of its own instance, so two portals can share a cluster
 * or a realm without touching each other's objects.
 */
public final class PortalLabels {

    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String MANAGER = "ai-portal";
    /** The installation that created the object; fixed at install ({@code portal.instance-id}). */
    public static final String INSTANCE = "portal.ai/instance";
    public static final String TEAM = "portal.ai/team";
    /** The portal workload (notebook, job, model service) a pod or object belongs to; the log search filters on it. */
    public static final String WORKLOAD = "portal.ai/workload";
    /** notebook, job or model */
    public static final String WORKLOAD_KIND = "portal.ai/workload-kind";
    /** The OIDC subject of the user who launched a workload (label values cannot hold every username). */
    public static final String OWNER = "portal.ai/owner";
    /** On a team namespace: the team is archived and launches nothing new. */
    public static final String ARCHIVED = "portal.ai/archived";
    public static final String DISPLAY_NAME = "portal.ai/display-name";
    /** On the team's ResourceQuota: GPUs per GPU type as JSON, for the job runner. */
    public static final String GPU_QUOTA = "portal.ai/gpu-quota";
    /** On the team's ResourceQuota: how many notebooks the team may run. */
    public static final String MAX_NOTEBOOKS = "portal.ai/max-notebooks";
    public static final String NAMESPACE_NAME = "kubernetes.io/metadata.name";

    /** The ResourceQuota every team namespace has. */
    public static final String TEAM_QUOTA = "team-quota";

    private PortalLabels() {
    }

    /** The labels every object of a team carries in the given installation. */
    public static Map<String, String> teamLabels(String instance, String slug) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(MANAGED_BY, MANAGER);
        labels.put(INSTANCE, instance);
        labels.put(TEAM, slug);
        return labels;
    }

    /** The label selector of everything this installation manages: {@code managed-by=ai-portal,portal.ai/instance=<id>}. */
    public static String instanceSelector(String instance) {
        return MANAGED_BY + "=" + MANAGER + "," + INSTANCE + "=" + instance;
    }
}
