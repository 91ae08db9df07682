package ai.portal.jobs.usage;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UsageCsvTest {

    @Test
    void cellsAreQuotedAndFormulasDefused() {
        assertThat(UsageController.cell("alice")).isEqualTo("alice");
        assertThat(UsageController.cell("a,b")).isEqualTo("\"a,b\"");
        assertThat(UsageController.cell("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
        assertThat(UsageController.cell("=HYPERLINK(\"x\")")).isEqualTo("\"'=HYPERLINK(\"\"x\"\")\"");
        assertThat(UsageController.cell("-1")).isEqualTo("'-1");
    }
}
