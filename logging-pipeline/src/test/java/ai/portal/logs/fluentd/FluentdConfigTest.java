package ai.portal.logs.fluentd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ai.portal.logs.record.LogRecord;
import ai.portal.logs.record.LogRecord.Fields;
import ai.portal.logs.opensearch.OpenSearchProperties;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.StandardEnvironment;

/**
 * {@code infra/fluentd/fluent.conf} parses (Fluentd's section syntax: balanced {@code <section>}s, one
 * {@code key value} per line) and writes what the collector writes: the same field names, the same index names,
 * deterministic ids in the same field. Fluentd itself cannot run here, so this is the check that keeps the two in step.
 */
class FluentdConfigTest {

    record Section(String name, String argument, Map<String, String> params, List<Section> children) {

        List<Section> all(String sectionName, String type) {
            List<Section> found = new ArrayList<>();
            for (Section child : children) {
                if (child.name.equals(sectionName) && (type == null || type.equals(child.params.get("@type")))) {
                    found.add(child);
                }
            }
            return found;
        }

        Section one(String sectionName, String type) {
            List<Section> found = all(sectionName, type);
            assertThat(found).as("<%s> @type %s", sectionName, type).hasSize(1);
            return found.getFirst();
        }
    }

    private static final Path CONFIG = Path.of("../infra/fluentd/fluent.conf");

    static Section parse(Path file) throws IOException {
        Section root = new Section("root", "", new LinkedHashMap<>(), new ArrayList<>());
        Deque<Section> open = new ArrayDeque<>();
        open.push(root);
        Pattern start = Pattern.compile("^<([a-z_]+)(?:\\s+(.*))?>$");
        Pattern end = Pattern.compile("^</([a-z_]+)>$");
        int number = 0;
        for (String raw : Files.readAllLines(file)) {
            number++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Matcher m;
            if ((m = end.matcher(line)).matches()) {
                assertThat(open.peek().name()).as("line %d closes <%s>", number, m.group(1)).isEqualTo(m.group(1));
                open.pop();
            } else if ((m = start.matcher(line)).matches()) {
                Section section = new Section(m.group(1), m.group(2) == null ? "" : m.group(2), new LinkedHashMap<>(),
                        new ArrayList<>());
                open.peek().children().add(section);
                open.push(section);
            } else {
                int space = line.indexOf(' ');
                assertThat(space).as("line %d is 'key value': %s", number, line).isPositive();
                assertThat(open.peek()).as("line %d outside any section", number).isNotSameAs(root);
                open.peek().params().put(line.substring(0, space), line.substring(space + 1).strip());
            }
        }
        assertThat(open).as("every section closed").containsExactly(root);
        return root;
    }

    @Test
    void configurationParsesIntoTailFiltersAndOpenSearchOutput() throws IOException {
        Section root = parse(CONFIG);
        Section tail = root.one("source", "tail");
        assertThat(tail.params().get("path")).isEqualTo("/var/log/containers/*.log");
        assertThat(tail.params()).containsKey("pos_file");
        root.one("filter", "concat");
        root.one("filter", "kubernetes_metadata");
        root.one("filter", "record_transformer");
        root.one("filter", "opensearch_genid");
        Section output = root.one("match", "opensearch");
        assertThat(output.one("buffer", "file").params()).containsKeys("path", "total_limit_size");
    }

    @Test
    void recordFieldNamesMatchTheCollectors() throws IOException {
        Section root = parse(CONFIG);
        Section parse = root.one("source", "tail").one("parse", "regexp");
        List<String> groups = new ArrayList<>();
        Matcher named = Pattern.compile("\\(\\?<([a-zA-Z_]+)>").matcher(parse.params().get("expression"));
        while (named.find()) {
            groups.add(named.group(1));
        }
        assertThat(groups).contains("time", Fields.LOG, Fields.STREAM);
        assertThat(root.one("filter", "concat").params().get("key")).isEqualTo(Fields.LOG);

        Section metadata = root.one("filter", "kubernetes_metadata");
        // the plugin writes kubernetes.namespace_name/pod_name/container_name/labels.*, de-dotted as LogRecord.deDot
        assertThat(metadata.params()).containsEntry("de_dot", "true").containsEntry("de_dot_separator", "_");
        assertThat(LogRecord.deDot("app.kubernetes.io/name")).isEqualTo("app_kubernetes_io/name");
        assertThat(List.of(Fields.NAMESPACE, Fields.POD, Fields.CONTAINER, Fields.LABELS))
                .allSatisfy(field -> assertThat(field).startsWith(Fields.KUBERNETES + "."));

        Section levels = root.one("filter", "record_transformer");
        assertThat(levels.one("record", null).params()).containsKey(Fields.LEVEL);
        assertThat(levels.params().get("remove_keys")).isEqualTo("logtag");

        assertThat(root.one("filter", "opensearch_genid").params()).containsEntry("hash_id_key", Fields.LOG_ID);
        Section output = root.one("match", "opensearch");
        assertThat(output.params()).containsEntry("id_key", Fields.LOG_ID).containsEntry("write_operation", "create");
    }

    @Test
    void indexNamesMatchTheCollectors() throws IOException {
        Section output = parse(CONFIG).one("match", "opensearch");
        OpenSearchProperties defaults = Binder.get(new StandardEnvironment())
                .bindOrCreate("portal.logs.opensearch", OpenSearchProperties.class);
        // logstash_format: <prefix><separator><UTC date of the record's time>, as LogIndices.indexFor
        assertThat(output.params()).containsEntry("logstash_format", "true")
                .containsEntry("logstash_prefix", defaults.indexPrefix())
                .containsEntry("logstash_prefix_separator", "-")
                .containsEntry("logstash_dateformat", "%Y.%m.%d")
                .containsEntry("utc_index", "true")
                .containsEntry("time_precision", "9");
        // the template (date_nanos @timestamp, keyword fields) is logging-pipeline's; Fluentd must not replace it
        assertThat(output.params()).doesNotContainKeys("template_name", "template_file");
    }
}
