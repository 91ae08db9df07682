package ai.portal.logs.collector;

import java.io.ByteArrayOutputStream;
import java.util.LinkedHashMap;
import java.util.Map;

import ai.portal.logs.LogFields;
import ai.portal.logs.kubernetes.PodMetadata;
import ai.portal.logs.opensearch.LogIndices;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns a logical line into one bulk {@code create} item in the fluent-plugin-kubernetes_metadata_filter layout.
 * The id is {@code <file identity>-<offset of the line's first byte>}: the same line always gets the same id and
 * goes to the same daily index (named after its own timestamp), so re-sending it is answered 409 and never
 * doubles it.
 */
final class RecordEncoder {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final LogIndices indices;
    private final PodMetadata pods;

    RecordEncoder(LogIndices indices, PodMetadata pods) {
        this.indices = indices;
        this.pods = pods;
    }

    static String documentId(String identity, long offset) {
        return identity + "-" + Long.toHexString(offset);
    }

    void encode(TailedFile file, String identity, TailedFile.Line line, ByteArrayOutputStream out) {
        String id = documentId(identity, line.start());
        CriLine cri = line.cri();
        ContainerLogName name = file.name;
        Map<String, Object> kubernetes = new LinkedHashMap<>();
        kubernetes.put("namespace_name", name.namespace());
        kubernetes.put("pod_name", name.pod());
        kubernetes.put("container_name", name.container());
        pods.lookup(name.namespace(), name.pod()).ifPresent(pod -> {
            if (pod.uid() != null) {
                kubernetes.put("pod_id", pod.uid());
            }
            if (pod.nodeName() != null) {
                kubernetes.put("host", pod.nodeName());
            }
            if (!pod.labels().isEmpty()) {
                Map<String, String> labels = new LinkedHashMap<>();
                pod.labels().forEach((key, value) -> labels.put(LogFields.deDot(key), value));
                kubernetes.put("labels", labels);
            }
        });
        Map<String, Object> document = new LinkedHashMap<>();
        document.put(LogFields.TIMESTAMP, cri.time().toString());
        document.put(LogFields.LOG, cri.message());
        document.put(LogFields.STREAM, cri.stream());
        String level = LogLevels.detect(cri.message());
        if (level != null) {
            document.put(LogFields.LEVEL, level);
        }
        document.put(LogFields.LOG_ID, id);
        document.put(LogFields.KUBERNETES, kubernetes);
        document.put("docker", Map.of("container_id", name.containerId()));
        byte[] action = ("{\"create\":{\"_index\":\"" + indices.indexFor(cri.time()) + "\",\"_id\":\"" + id + "\"}}\n")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.writeBytes(action);
        out.writeBytes(JSON.writeValueAsBytes(document));
        out.write('\n');
    }
}
