package ai.portal.jobs.workload;

import java.util.regex.Pattern;

/**
 * A workload's name and the names derived from it. The name is a DNS-1035 label of at most 40 characters, so that
 * every derived name (pods {@code <name>-0}, revision hashes, {@code <name>-workspace}) stays a valid label; it is
 * unique among a team's live workloads of both kinds, because the log search and the pods' labels know only the name.
 */
public final class WorkloadNames {

    public static final int MAX_LENGTH = 40;
    /** Names the portal's own objects in a team namespace start with (tracking); no workload's may. */
    public static final String RESERVED_PREFIX = "portal-";
    public static final String REGEX = "[a-z]([-a-z0-9]*[a-z0-9])?";
    private static final Pattern NAME = Pattern.compile(REGEX);

    /** Notebooks serve JupyterLab here (the pod's port). */
    public static final int NOTEBOOK_PORT = 8888;
    /** The notebook's workspace inside the pod. */
    public static final String WORKSPACE_PATH = "/home/jovyan/work";
    /** The key of the notebook's token in its Secret. */
    public static final String TOKEN_KEY = "token";
    /** The label (on everything the job runner creates) with the database id of the workload it belongs to. */
    public static final String WORKLOAD_ID_LABEL = "portal.ai/workload-id";
    /** On a notebook's StatefulSet, set by the idle culler: when it will stop the notebook for being idle. */
    public static final String IDLE_STOP_AT_ANNOTATION = "portal.ai/idle-stop-at";
    /** On a notebook's StatefulSet, set when a user extends its idle deadline: not stopped for idleness before it. */
    public static final String IDLE_KEEP_UNTIL_ANNOTATION = "portal.ai/idle-keep-until";

    private WorkloadNames() {
    }

    public static boolean isValid(String name) {
        return name != null && name.length() <= MAX_LENGTH && NAME.matcher(name).matches();
    }

    /** The Secret with a notebook's token: {@code <name>-token-<fingerprint of the token>} ({@link NotebookTokens}). */
    public static String tokenSecret(String name, String fingerprint) {
        return name + "-token-" + fingerprint;
    }

    /** Where notebooks made before tokens were derived keep their random token. */
    public static String legacyTokenSecret(String name) {
        return name + "-token";
    }

    /**
     * Whether a Secret of this name is one the job runner made for this notebook (a derived or a legacy token): the
     * only Secrets it ever deletes, by name, when a StatefulSet it reads says so.
     */
    public static boolean isTokenSecretOf(String name, String secretName) {
        String prefix = name + "-token-";
        return secretName != null && (secretName.equals(legacyTokenSecret(name))
                || secretName.startsWith(prefix) && FINGERPRINT.matcher(secretName.substring(prefix.length())).matches());
    }

    private static final Pattern FINGERPRINT = Pattern.compile("[0-9a-f]{10}");

    public static String workspaceClaim(String name) {
        return name + "-workspace";
    }

    /** Where the notebook is served, locally and behind the ingress: {@code /notebooks/<team>/<name>/}. */
    public static String notebookBasePath(String team, String name) {
        return "/notebooks/" + team + "/" + name + "/";
    }
}
