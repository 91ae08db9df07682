package ai.portal.logs.collector;

import java.io.ByteArrayOutputStream;
import java.util.Map;
import java.util.Optional;

import ai.portal.logs.kubernetes.PodMetadata;
import ai.portal.logs.opensearch.LogIndices;
import ai.portal.logs.record.LogLevels;
import ai.portal.logs.record.LogRecord;
import com.fasterxml.jackson.annotation.JsonProperty;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns a logical line into one bulk {@code create} item: a {@link LogRecord}. The id is
 * {@code <file identity>-<offset of the line's first byte>}: the same line always gets the same id and goes to the
 * same daily index (named after its own timestamp), so re-sending it is answered 409 and never doubles it.
 */
final class RecordEncoder {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The bulk action line: {@code {"create": {"_index": ..., "_id": ...}}}. */
    private record Action(Target create) {
    }

    private record Target(@JsonProperty("_index") String index,
                          @JsonProperty("_id") String id) {
    }

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
        LogRecord record = record(file.name, documentId(identity, line.start()), line.cri());
        out.writeBytes(JSON.writeValueAsBytes(new Action(new Target(indices.indexFor(record.timestamp()),
                record.logId()))));
        out.write('\n');
        out.writeBytes(JSON.writeValueAsBytes(record));
        out.write('\n');
    }

    LogRecord record(ContainerLogName name, String id, CriLine cri) {
        Optional<PodMetadata.PodInfo> pod = pods.lookup(name.namespace(), name.pod());
        LogRecord.Kubernetes kubernetes = LogRecord.Kubernetes.of(name.namespace(), name.pod(), name.container(),
                pod.map(PodMetadata.PodInfo::uid).orElse(null), pod.map(PodMetadata.PodInfo::nodeName).orElse(null),
                pod.map(PodMetadata.PodInfo::labels).orElse(Map.of()));
        return new LogRecord(cri.time(), cri.message(), cri.stream(), LogLevels.detect(cri.message()), id,
                kubernetes, new LogRecord.Docker(name.containerId()));
    }
}
