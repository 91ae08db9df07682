package ai.portal.jobs.serving;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * A change to a model deployment; what is left out stays as it is.
 *
 * @param version   another version of the same registered model to roll out (a rolling update: every replica keeps
 *                  serving until its successor is Ready)
 * @param rateLimit requests per second one caller may send (1 to {@code portal.serving.max-rate-limit})
 */
@Schema(name = "ModelDeploymentUpdate")
public record DeploymentUpdate(@Schema(example = "4") String version, @Schema(example = "50") Integer rateLimit) {
}
