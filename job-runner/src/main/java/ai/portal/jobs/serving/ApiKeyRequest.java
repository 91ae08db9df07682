package ai.portal.jobs.serving;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * A new API key for a model deployment.
 *
 * @param name what the key is for, so the team knows which to revoke (1 to 64 characters)
 */
@Schema(name = "ModelApiKeyRequest")
public record ApiKeyRequest(@Schema(example = "nightly-scoring") String name) {
}
