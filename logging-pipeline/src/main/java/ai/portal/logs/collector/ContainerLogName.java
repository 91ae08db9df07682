package ai.portal.logs.collector;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the kubelet's file name says: {@code <pod>_<namespace>_<container>-<container id>.log}. Pod and namespace
 * names cannot contain {@code _}; the container id is the last 64 hex characters (or whatever follows the last
 * dash, for runtimes with shorter ids).
 */
record ContainerLogName(String pod, String namespace, String container, String containerId) {

    private static final Pattern NAME = Pattern.compile(
            "^(?<pod>[a-z0-9][-a-z0-9.]*)_(?<namespace>[a-z0-9][-a-z0-9]*)_(?<container>.+)-(?<id>[0-9a-zA-Z]+)\\.log$");

    static Optional<ContainerLogName> parse(String fileName) {
        Matcher m = NAME.matcher(fileName);
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new ContainerLogName(m.group("pod"), m.group("namespace"), m.group("container"),
                m.group("id")));
    }
}
