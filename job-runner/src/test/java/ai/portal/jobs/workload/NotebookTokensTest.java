package ai.portal.jobs.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class NotebookTokensTest {

    static final String KEY = "k".repeat(NotebookTokens.MIN_KEY_LENGTH);
    final NotebookTokens tokens = new NotebookTokens(new NotebookTokenProperties(KEY));
    final WorkloadRecord notebook = WorkloadResourcesTest.notebook(Desired.RUNNING, 0);

    @Test
    void theSameNotebookAlwaysGetsTheSameTokenAndSecretNameSoNothingNeedsReadingBack() {
        assertThat(tokens.token(notebook)).matches("[0-9a-f]{64}")
                .isEqualTo(new NotebookTokens(new NotebookTokenProperties(KEY)).token(notebook))
                .isEqualTo(tokens.token("team-vision", "nb1", notebook.id()));
        assertThat(tokens.secretName(notebook)).matches("nb1-token-[0-9a-f]{10}")
                .isEqualTo(tokens.secretName(notebook))
                .doesNotContain(tokens.token(notebook).substring(0, 10));
        assertThat(WorkloadNames.isTokenSecretOf("nb1", tokens.secretName(notebook))).isTrue();
    }

    @Test
    void anotherNotebookNamespaceWorkloadOrKeyGetsAnotherTokenInAnotherSecret() {
        String token = tokens.token(notebook);
        assertThat(tokens.token("team-other", "nb1", notebook.id())).isNotEqualTo(token);
        assertThat(tokens.token("team-vision", "nb2", notebook.id())).isNotEqualTo(token);
        WorkloadRecord sameNameNewRow = new WorkloadRecord(UUID.randomUUID(), notebook.team(), notebook.name(),
                notebook.kind(), notebook.ownerSubject(), notebook.ownerUsername(), notebook.spec(),
                notebook.desired(), false, null, Instant.EPOCH, Instant.EPOCH, null);
        assertThat(tokens.token(sameNameNewRow)).isNotEqualTo(token);
        assertThat(tokens.secretName(sameNameNewRow)).isNotEqualTo(tokens.secretName(notebook));
        NotebookTokens rotated = new NotebookTokens(new NotebookTokenProperties("r".repeat(40)));
        assertThat(rotated.token(notebook)).isNotEqualTo(token);
        assertThat(rotated.secretName(notebook)).isNotEqualTo(tokens.secretName(notebook));
    }

    @Test
    void refusesToStartWithoutAKeyOrWithAShortOne() {
        for (String key : new String[] {null, "", "short-key"}) {
            assertThatThrownBy(() -> new NotebookTokens(new NotebookTokenProperties(key)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("NOTEBOOK_TOKEN_KEY");
        }
    }

    @Test
    void onlyTheNotebooksOwnTokenSecretNamesAreTokenSecrets() {
        assertThat(WorkloadNames.isTokenSecretOf("nb1", "nb1-token")).isTrue();
        assertThat(WorkloadNames.isTokenSecretOf("nb1", "nb1-token-0123456789")).isTrue();
        assertThat(WorkloadNames.isTokenSecretOf("nb1", "nb1-token-0123456789a")).isFalse();
        assertThat(WorkloadNames.isTokenSecretOf("nb1", "nb2-token-0123456789")).isFalse();
        assertThat(WorkloadNames.isTokenSecretOf("nb1", "hf-token")).isFalse();
        assertThat(WorkloadNames.isTokenSecretOf("nb1", null)).isFalse();
    }
}
