package ai.portal.logs.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import ai.portal.platform.problem.ApiException;
import ai.portal.testing.LocalPrometheus;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

class GpuQueriesTest {

    private final GpuQueries recorded = new GpuQueries(true);
    private final GpuQueries raw = new GpuQueries(false);

    @Test
    void aWorkloadsChartIsPerGpuOfItsPodsInItsNamespaceOnly() {
        GpuScope.Workload nb = new GpuScope.Workload("team-vision", "nb", List.of("nb-0"));
        assertThat(recorded.range(nb, GpuSignal.UTILIZATION, Duration.ofMinutes(2)))
                .isEqualTo("avg_over_time(DCGM_FI_DEV_GPU_UTIL{namespace=\"team-vision\",pod=~\"nb-0\"}[120s])");
        assertThat(recorded.range(nb, GpuSignal.TEMPERATURE, Duration.ofSeconds(30)))
                .isEqualTo("max_over_time(DCGM_FI_DEV_GPU_TEMP{namespace=\"team-vision\",pod=~\"nb-0\"}[30s])");
        assertThatThrownBy(() -> recorded.range(nb, GpuSignal.GPUS, Duration.ofMinutes(1)))
                .isInstanceOf(ApiException.class);
    }

    @Test
    void teamAndFleetReadTheRecordingRulesOrComputeTheSameExpressions() {
        GpuScope.Team team = new GpuScope.Team("team-vision");
        assertThat(recorded.range(team, GpuSignal.POWER, Duration.ofMinutes(1)))
                .isEqualTo("avg_over_time(namespace_pod:dcgm_power_watts:sum{namespace=\"team-vision\"}[60s])");
        assertThat(raw.range(team, GpuSignal.POWER, Duration.ofMinutes(1)))
                .isEqualTo("sum by (namespace, pod) (avg_over_time(DCGM_FI_DEV_POWER_USAGE"
                        + "{namespace=\"team-vision\",pod!=\"\"}[60s]))");
        assertThat(recorded.current(new GpuScope.Fleet(), GpuSignal.GPUS)).isEqualTo("modelName:dcgm_gpus:count");
        assertThat(raw.current(new GpuScope.Fleet(), GpuSignal.GPUS_ALLOCATED))
                .isEqualTo("count by (modelName) (DCGM_FI_DEV_GPU_UTIL{pod!=\"\"})");
    }

    /** The rules shipped in infra/monitoring record exactly what the API reads under their names. */
    @Test
    void everyRecordedSeriesTheApiReadsIsDefinedWithTheSameExpressionInTheRules() throws IOException {
        Map<String, String> shipped = new HashMap<>();
        Path rules = LocalPrometheus.repositoryRoot().resolve("infra/monitoring/rules/gpu-aggregates.rules.yaml");
        try (Reader reader = Files.newBufferedReader(rules)) {
            Map<String, Object> file = new Yaml().load(reader);
            for (Object group : (List<?>) file.get("groups")) {
                for (Object rule : (List<?>) ((Map<?, ?>) group).get("rules")) {
                    Map<?, ?> r = (Map<?, ?>) rule;
                    if (r.get("record") != null) {
                        shipped.put((String) r.get("record"), ((String) r.get("expr")).strip());
                    }
                }
            }
        }
        assertThat(GpuQueries.RECORDED).isNotEmpty();
        GpuQueries.RECORDED.forEach((name, expression) ->
                assertThat(shipped).as("recording rule " + name).containsEntry(name, expression));
    }

    @Test
    void idleMeansHeldByTheSamePodForTheWholePeriodAndNeverAboveTheThreshold() {
        assertThat(recorded.idleGpus(new GpuScope.Team("team-vision"), 5, Duration.ofHours(1))).isEqualTo(
                "max_over_time(DCGM_FI_DEV_GPU_UTIL{namespace=\"team-vision\",pod!=\"\"}[3600s]) < 5.0"
                        + " and on (namespace, pod, UUID) (DCGM_FI_DEV_GPU_UTIL{namespace=\"team-vision\",pod!=\"\"} offset 3600s)"
                        + " and on (namespace, pod, UUID) DCGM_FI_DEV_GPU_UTIL{namespace=\"team-vision\",pod!=\"\"}");
    }

    /** Whatever a value holds, it stays inside its string: no quote ends it, no regex character widens a match. */
    @Test
    void valuesAreQuotedAndPodNamesMatchedLiterally() {
        String hostile = "x\"} or vector(1) or up{a=\"";
        assertThat(PromQL.select("m").eq("namespace", hostile).toString())
                .isEqualTo("m{namespace=\"x\\\"} or vector(1) or up{a=\\\"\"}");
        assertThat(PromQL.select("m").in("pod", List.of("a.b", ".*")).toString())
                .isEqualTo("m{pod=~\"\\\\.\\\\*|a\\\\.b\"}");
        assertThat(PromQL.quote("back\\slash\nline")).isEqualTo("\"back\\\\slash\\nline\"");
    }

    @Test
    void gpusNowIsOneQueryTaggingEachSignal() {
        String query = recorded.gpusNow(new GpuScope.Workload("team-a", "train", List.of("train-x7k2p")));
        assertThat(query.split(" or ")).hasSize(6);
        assertThat(query).contains("label_replace(DCGM_FI_DEV_XID_ERRORS{namespace=\"team-a\",pod=~\"train-x7k2p\"}, "
                + "\"signal\", \"xid\", \"\", \"\")");
    }
}
