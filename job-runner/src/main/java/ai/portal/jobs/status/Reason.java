package ai.portal.jobs.status;

import java.util.Map;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * Why a workload is where it is, in plain words ({@code text}, English) and as a code with arguments, so that the
 * UI can say the same in another language.
 */
@Schema(description = "Why a workload is in its phase: plain words plus a code and arguments for translation")
public record Reason(
        @Schema(example = "team-quota-full") String code,
        @Schema(example = "team-a is using 8 of 8 H100 GPUs; 2 workloads are ahead of yours") String text,
        @Schema(description = "The values the text was made of, by name") Map<String, Object> args) {

    public static Reason of(String code, String text) {
        return new Reason(code, text, Map.of());
    }

    public static Reason of(String code, String text, Map<String, Object> args) {
        return new Reason(code, text, Map.copyOf(args));
    }
}
