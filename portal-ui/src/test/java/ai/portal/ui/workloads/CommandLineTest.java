package ai.portal.ui.workloads;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/** A job's command typed on one line becomes the words the container runs, with no shell in between. */
class CommandLineTest {

    @Test
    void splitsOnSpacesAndKeepsQuotedWordsTogether() {
        assertThat(CommandLine.split("python train.py --epochs 10")).containsExactly("python", "train.py", "--epochs", "10");
        assertThat(CommandLine.split("python -c \"print(6 * 7)\"")).containsExactly("python", "-c", "print(6 * 7)");
        assertThat(CommandLine.split("echo 'a  b' c\\ d")).containsExactly("echo", "a  b", "c d");
        assertThat(CommandLine.split("  ")).isEmpty();
    }

    @Test
    void shellSyntaxStaysLiteral() {
        assertThat(CommandLine.split("echo $HOME; rm -rf /")).containsExactly("echo", "$HOME;", "rm", "-rf", "/");
    }

    @Test
    void anOpenQuoteIsAnError() {
        assertThat(CommandLine.split("python -c \"print(1)")).isNull();
    }

    @Test
    void joinIsTheInverseOfSplit() {
        List<String> words = List.of("python", "-c", "print(\"hi there\")", "");
        assertThat(CommandLine.split(CommandLine.join(words))).isEqualTo(words);
    }

    @Test
    void aResubmittedJobGetsTheNextName() {
        assertThat(SubmitJobDialog.nextName("train")).isEqualTo("train-2");
        assertThat(SubmitJobDialog.nextName("train-2")).isEqualTo("train-3");
        assertThat(SubmitJobDialog.nextName("a".repeat(40))).hasSize(40).endsWith("-2");
    }
}
