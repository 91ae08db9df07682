package ai.portal.jobs.serving;

import java.time.Instant;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * A model deployment as the API shows it: what the team asked for and what serves, in plain words.
 *
 * @param invocationsPath where the model answers, behind the gateway's sign-in (relative to the job runner's
 *                        public URL): {@code POST} MLflow's scoring payloads ({@code dataframe_split},
 *                        {@code inputs}, ...)
 */
@Schema(name = "ModelDeployment")
public record ModelDeploymentView(String team, String name, String model, int version, int replicas, String cpu,
                                  String memory, ServingStatus status, String invocationsPath, Instant createdAt,
                                  String createdBy) {
}
