package ai.portal.logs;

/**
 * The record layout every log document has in OpenSearch, whoever wrote it (this collector or the Fluentd
 * DaemonSet of {@code infra/fluentd}): the layout of fluent-plugin-kubernetes_metadata_filter, plus a parsed
 * {@code level} and a deterministic {@code log_id}. {@code FluentdConfigTest} checks the Fluentd configuration
 * against these names.
 */
public final class LogFields {

    public static final String TIMESTAMP = "@timestamp";
    public static final String LOG = "log";
    public static final String STREAM = "stream";
    public static final String LEVEL = "level";
    /** Deterministic document id, also kept in the document: tiebreaker for sorting and {@code search_after}. */
    public static final String LOG_ID = "log_id";
    public static final String KUBERNETES = "kubernetes";
    public static final String NAMESPACE = "kubernetes.namespace_name";
    public static final String POD = "kubernetes.pod_name";
    public static final String CONTAINER = "kubernetes.container_name";
    public static final String POD_ID = "kubernetes.pod_id";
    public static final String HOST = "kubernetes.host";
    /** Labels, keys de-dotted ({@code .} → {@code _}) as kubernetes_metadata_filter does by default. */
    public static final String LABELS = "kubernetes.labels";
    public static final String CONTAINER_ID = "docker.container_id";

    /** The label key as it is stored: kubernetes_metadata_filter's {@code de_dot} replaces dots by underscores. */
    public static String labelField(String labelKey) {
        return LABELS + "." + deDot(labelKey);
    }

    public static String deDot(String key) {
        return key.replace('.', '_');
    }

    private LogFields() {
    }
}
