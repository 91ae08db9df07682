package ai.portal.platform.input;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MalformedRequestFilterTest {

    @Test
    void acceptsOrdinaryEscapedAndUnicodeInput() {
        assertThat(MalformedRequestFilter.faultIn("/api/v1/teams/vision", "page=0&size=50")).isEmpty();
        assertThat(MalformedRequestFilter.faultIn("/api/v1/audit", "actor=J%C3%BCrgen+M%C3%BCller&from=2026-01-01T00%3A00%3A00Z"))
                .isEmpty();
        assertThat(MalformedRequestFilter.faultIn("/api/v1/teams/%E6%9C%BA%E5%99%A8", "flag&empty=&=x")).isEmpty();
        assertThat(MalformedRequestFilter.faultIn("/", null)).isEmpty();
    }

    @Test
    void refusesControlCharactersInParameterNamesValuesAndPathSegments() {
        assertThat(MalformedRequestFilter.faultIn("/api/v1/quota-requests", "%C2%85=1"))
                .hasValueSatisfying(fault -> assertThat(fault).contains("parameter name").contains("U+0085"));
        assertThat(MalformedRequestFilter.faultIn("/api/v1/audit", "status=%00"))
                .hasValueSatisfying(fault -> assertThat(fault).contains("'status'").contains("U+0000"));
        assertThat(MalformedRequestFilter.faultIn("/api/v1/audit", "actor=a%0D%0Ab")).isPresent();
        assertThat(MalformedRequestFilter.faultIn("/api/v1/audit", "actor=a%7F")).isPresent();
        assertThat(MalformedRequestFilter.faultIn("/api/v1/teams/x%00y/members", null))
                .hasValueSatisfying(fault -> assertThat(fault).startsWith("The URL path"));
        assertThat(MalformedRequestFilter.faultIn("/api/v1/teams/vision/members/bo%09b", null)).isPresent();
    }

    @Test
    void refusesBrokenEscapesAndBytesThatAreNotUtf8() {
        assertThat(MalformedRequestFilter.faultIn("/api/v1/audit", "actor=%FF"))
                .hasValueSatisfying(fault -> assertThat(fault).contains("not UTF-8"));
        assertThat(MalformedRequestFilter.faultIn("/api/v1/audit", "actor=%C3")).isPresent();       // truncated sequence
        assertThat(MalformedRequestFilter.faultIn("/api/v1/audit", "actor=%ED%A0%80")).isPresent(); // encoded surrogate
        assertThat(MalformedRequestFilter.faultIn("/api/v1/audit", "actor=50%")).isPresent();
        assertThat(MalformedRequestFilter.faultIn("/api/v1/audit", "actor=%G1")).isPresent();
        assertThat(MalformedRequestFilter.faultIn("/api/v1/teams/%C0%AF", null)).isPresent();      // overlong '/'
    }

    @Test
    void plusIsASpaceInTheQueryOnly() {
        assertThat(MalformedRequestFilter.decode("a+b", true)).isEqualTo("a b");
        assertThat(MalformedRequestFilter.decode("a+b", false)).isEqualTo("a+b");
    }

    @Test
    void jsonStringsMayHoldLineBreaksButNoOtherControlsOrBrokenSurrogates() {
        assertThat(StrictJsonStrings.faultIn("line one\nline two\ttabbed\r\n")).isNull();
        assertThat(StrictJsonStrings.faultIn("Zürich 机器学习 \uD83D\uDE80")).isNull();
        assertThat(StrictJsonStrings.faultIn("nul\u0000")).contains("U+0000");
        assertThat(StrictJsonStrings.faultIn("bell\u0007")).contains("U+0007");
        assertThat(StrictJsonStrings.faultIn("next line\u0085")).contains("U+0085");
        assertThat(StrictJsonStrings.faultIn("half \uD83D pair")).contains("surrogate");
        assertThat(StrictJsonStrings.faultIn("\uDE80")).contains("surrogate");
    }
}
