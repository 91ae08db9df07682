package ai.portal.logs.collector;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;
import ai.portal.logs.record.LogLevels;


/** The pieces of a kubelet log file: its name, its lines, the level a line states. */
class CriParsingTest {

    private static final Instant READ_AT = Instant.parse("2030-01-01T00:00:00Z");

    @Test
    void parsesFullAndPartialCriLinesWithNanosecondTimes() {
        CriLine full = CriLine.parse("2026-01-02T03:04:05.123456789Z stdout F hello  world ", READ_AT);
        assertThat(full).isEqualTo(new CriLine(Instant.parse("2026-01-02T03:04:05.123456789Z"), "stdout", false,
                "hello  world "));
        CriLine partial = CriLine.parse("2026-01-02T03:04:05Z stderr P part", READ_AT);
        assertThat(partial.partial()).isTrue();
        assertThat(partial.stream()).isEqualTo("stderr");
        assertThat(CriLine.parse("2026-01-02T03:04:05Z stdout F", READ_AT).message()).isEmpty();
    }

    @Test
    void keepsALineThatIsNotCriWholeAsStdoutAtReadTime() {
        assertThat(CriLine.parse("just some text", READ_AT))
                .isEqualTo(new CriLine(READ_AT, "stdout", false, "just some text"));
        assertThat(CriLine.parse("yesterday stdout F text", READ_AT).message()).isEqualTo("yesterday stdout F text");
    }

    @Test
    void readsNamespacePodContainerAndIdFromTheKubeletFileName() {
        assertThat(ContainerLogName.parse("train-7-x2k9p_team-vision_trainer-0123abcd.log")).contains(
                new ContainerLogName("train-7-x2k9p", "team-vision", "trainer", "0123abcd"));
        assertThat(ContainerLogName.parse("nb-0_team-a_jupyter-lab-ff00.log").orElseThrow().container())
                .isEqualTo("jupyter-lab");
        assertThat(ContainerLogName.parse("0.log.20260102-030405")).isEmpty();
        assertThat(ContainerLogName.parse("pod_ns_c-id.log.1")).isEmpty();
    }

    @Test
    void detectsTheLevelALineStatesNearItsStartOnly() {
        assertThat(LogLevels.detect("INFO torch.distributed: initialized")).isEqualTo("info");
        assertThat(LogLevels.detect("WARNING: step 3: gradient norm clipped")).isEqualTo("warn");
        assertThat(LogLevels.detect("[error] disk full")).isEqualTo("error");
        assertThat(LogLevels.detect("ts=1 level=debug msg=x")).isEqualTo("debug");
        assertThat(LogLevels.detect("{\"level\":\"fatal\",\"msg\":\"x\"}")).isEqualTo("fatal");
        assertThat(LogLevels.detect("more info about the errors below")).isNull();
        assertThat(LogLevels.detect("epoch 1 " + "x".repeat(200) + " ERROR")).isNull();
    }
}
