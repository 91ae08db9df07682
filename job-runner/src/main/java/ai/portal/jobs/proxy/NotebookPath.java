package ai.portal.jobs.proxy;

import java.util.Optional;

import ai.portal.jobs.workload.WorkloadNames;
import ai.portal.platform.team.TeamNames;

/**
 * A request path under {@code /notebooks/<team>/<name>/}: the team and notebook it names, and whether it stops at
 * {@code /notebooks/<team>/<name>} without the slash Jupyter's base URL ends with.
 */
record NotebookPath(String team, String name, boolean bare) {

    static final String PREFIX = "/notebooks/";

    static Optional<NotebookPath> parse(String path) {
        if (!path.startsWith(PREFIX)) {
            return Optional.empty();
        }
        String[] parts = path.substring(PREFIX.length()).split("/", 3);
        if (parts.length < 2 || !TeamNames.isSlug(parts[0]) || !WorkloadNames.isValid(parts[1])) {
            return Optional.empty();
        }
        return Optional.of(new NotebookPath(parts[0], parts[1], parts.length == 2));
    }

    String basePath() {
        return WorkloadNames.notebookBasePath(team, name);
    }
}
