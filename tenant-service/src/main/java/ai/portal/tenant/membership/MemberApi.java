package ai.portal.tenant.membership;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** Payloads of the members API. */
final class MemberApi {

    static final String ROLE = "^(owner|member|viewer)$";
    /**
     * Keycloak refuses whitespace in usernames; control characters are refused for every string already. Written
     * without {@code \p{Cc}} so that OpenAPI clients and fuzzers (ECMAScript and Python regex) can use it too.
     */
    static final String USERNAME = "^[^\\s\\x00-\\x1F\\x7F-\\x9F]+$";

    record AddMember(
            @Schema(example = "alice", description = "Keycloak username") @NotBlank @Size(max = 255)
            @Pattern(regexp = USERNAME, message = "must not contain spaces or control characters") String username,
            @Schema(allowableValues = {"owner", "member", "viewer"}) @NotNull
            @Pattern(regexp = ROLE, message = "must be owner, member or viewer") String role) {
    }

    record ChangeRole(@Schema(allowableValues = {"owner", "member", "viewer"}) @NotNull
                      @Pattern(regexp = ROLE, message = "must be owner, member or viewer") String role) {
    }

    record MemberView(String subject, String username, @Schema(allowableValues = {"owner", "member", "viewer"}) String role) {
    }

    private MemberApi() {
    }
}
