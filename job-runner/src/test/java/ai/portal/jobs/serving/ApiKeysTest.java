package ai.portal.jobs.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;

import ai.portal.platform.problem.ApiException;
import org.junit.jupiter.api.Test;

/** What a model API key is, and what is stored of it: pure. */
class ApiKeysTest {

    @Test
    void aKeyIs256RandomBitsInItsOwnSchemeAndOnlyItsHashIsKept() {
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String key = ApiKeys.generate();
            assertThat(key).matches("pmk_[A-Za-z0-9_-]{43}");
            assertThat(ApiKeys.wellFormed(key)).isTrue();
            keys.add(key);
        }
        assertThat(keys).hasSize(1000);
        String key = keys.iterator().next();
        assertThat(ApiKeys.hash(key)).hasSize(32).isEqualTo(ApiKeys.hash(key));
        assertThat(ApiKeys.hash(key)).isNotEqualTo(ApiKeys.hash(key.substring(0, 46) + (key.endsWith("A") ? "B" : "A")));
        assertThat(ApiKeys.prefix(key)).hasSize(12).startsWith("pmk_");
        assertThat(key).startsWith(ApiKeys.prefix(key));
    }

    @Test
    void somethingElseIsNotTakenForAKey() {
        assertThat(ApiKeys.looksLikeKey("eyJhbGciOiJSUzI1NiJ9.e30.sig")).isFalse();
        assertThat(ApiKeys.looksLikeKey("pmk_short")).isTrue();
        assertThat(ApiKeys.wellFormed("pmk_short")).isFalse();
        assertThat(ApiKeys.wellFormed("pmk_" + "a".repeat(42) + "=")).isFalse();
        assertThat(ApiKeys.wellFormed(null)).isFalse();
    }

    @Test
    void aKeyNeedsAName() {
        assertThat(ApiKeyService.validName(new ApiKeyRequest("  nightly scoring "))).isEqualTo("nightly scoring");
        for (ApiKeyRequest bad : new ApiKeyRequest[] {null, new ApiKeyRequest(" "), new ApiKeyRequest("x".repeat(65)),
                new ApiKeyRequest("a\nb")}) {
            assertThatThrownBy(() -> ApiKeyService.validName(bad)).isInstanceOfSatisfying(ApiException.class,
                    problem -> {
                        assertThat(problem.getStatusCode().value()).isEqualTo(400);
                        assertThat(problem.getBody().getProperties()).containsEntry("field", "name");
                    });
        }
    }
}
