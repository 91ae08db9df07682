package ai.portal.jobs.launch;

import java.util.List;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * The answer to "can this start?": whether it could ever run here, whether it would start now, and why not, each
 * reason naming the request field it concerns. A dry run returns it; a launch that fails a check refuses with it.
 */
@Schema(description = "Whether a launch could ever run, whether it would start now, and why not")
public record LaunchCheck(
        @Schema(description = "False: no node or quota could ever satisfy it; it is refused") boolean possible,
        @Schema(description = "True: quota and a node are free for it now") boolean startsNow,
        List<Problem> problems) {

    @Schema(description = "One reason a launch cannot run or would wait")
    public record Problem(@Schema(example = "gpus") String field,
                          @Schema(example = "team-quota-full") String code,
                          @Schema(example = "team a is using 8 of 8 H100 GPUs") String text) {
    }

    public static LaunchCheck ok() {
        return new LaunchCheck(true, true, List.of());
    }
}
