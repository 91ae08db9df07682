package ai.portal.logs.record;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One log document as it lies in OpenSearch, whoever wrote it (this service's collector or the Fluentd DaemonSet of
 * {@code infra/fluentd}): the layout of fluent-plugin-kubernetes_metadata_filter, plus a parsed {@code level} and a
 * deterministic {@code log_id}. The collector writes exactly this type, search reads exactly this type, and the
 * index template, the queries and {@code FluentdConfigTest} take their field names from {@link Fields}.
 *
 * @param timestamp when the container wrote the line (nanoseconds; {@code date_nanos})
 * @param log       the message, partial lines joined
 * @param stream    {@code stdout} or {@code stderr}
 * @param level     trace, debug, info, warn, error or fatal when the line states one
 * @param logId     the deterministic document id, also kept in the document: tiebreaker for sorting and cursors
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LogRecord(
        @JsonProperty(Fields.TIMESTAMP) Instant timestamp,
        @JsonProperty(Fields.LOG) String log,
        @JsonProperty(Fields.STREAM) String stream,
        @JsonProperty(Fields.LEVEL) String level,
        @JsonProperty(Fields.LOG_ID) String logId,
        @JsonProperty(Fields.KUBERNETES) Kubernetes kubernetes,
        @JsonProperty(Fields.DOCKER) Docker docker) {

    /** What kubernetes_metadata_filter adds. Labels are de-dotted ({@link #deDot}). */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Kubernetes(
            @JsonProperty(Kubernetes.NAMESPACE_NAME) String namespaceName,
            @JsonProperty(Kubernetes.POD_NAME) String podName,
            @JsonProperty(Kubernetes.CONTAINER_NAME) String containerName,
            @JsonProperty(Kubernetes.POD_ID) String podId,
            @JsonProperty(Kubernetes.HOST) String host,
            @JsonProperty(Kubernetes.LABELS) Map<String, String> labels) {

        public static final String NAMESPACE_NAME = "namespace_name";
        public static final String POD_NAME = "pod_name";
        public static final String CONTAINER_NAME = "container_name";
        public static final String POD_ID = "pod_id";
        public static final String HOST = "host";
        public static final String LABELS = "labels";

        public Kubernetes {
            labels = labels == null ? Map.of() : labels;
        }

        /** The same pod's metadata with its labels de-dotted, as they are stored. */
        public static Kubernetes of(String namespace, String pod, String container, String podId, String host,
                                    Map<String, String> labels) {
            Map<String, String> stored = new LinkedHashMap<>();
            labels.forEach((key, value) -> stored.put(deDot(key), value));
            return new Kubernetes(namespace, pod, container, podId, host, stored);
        }
    }

    public record Docker(@JsonProperty(Docker.CONTAINER_ID) String containerId) {

        public static final String CONTAINER_ID = "container_id";
    }

    /** Field paths as queries, sorts and the index template name them. */
    public static final class Fields {

        public static final String TIMESTAMP = "@timestamp";
        public static final String LOG = "log";
        public static final String STREAM = "stream";
        public static final String LEVEL = "level";
        public static final String LOG_ID = "log_id";
        public static final String KUBERNETES = "kubernetes";
        public static final String DOCKER = "docker";
        public static final String NAMESPACE = KUBERNETES + "." + Kubernetes.NAMESPACE_NAME;
        public static final String POD = KUBERNETES + "." + Kubernetes.POD_NAME;
        public static final String CONTAINER = KUBERNETES + "." + Kubernetes.CONTAINER_NAME;
        public static final String LABELS = KUBERNETES + "." + Kubernetes.LABELS;

        /** Where a pod label is stored: {@code kubernetes.labels.<de-dotted key>}. */
        public static String label(String labelKey) {
            return LABELS + "." + deDot(labelKey);
        }

        private Fields() {
        }
    }

    /** kubernetes_metadata_filter's default {@code de_dot}: dots in label keys become underscores. */
    public static String deDot(String key) {
        return key.replace('.', '_');
    }
}
