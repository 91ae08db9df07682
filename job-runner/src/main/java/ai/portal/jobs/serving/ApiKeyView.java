package ai.portal.jobs.serving;

import java.time.Instant;
import java.util.UUID;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * An API key of a model deployment as lists show it: never the key itself.
 *
 * @param prefix     the key's first characters, to tell keys apart
 * @param lastUsedAt when the gateway last let a request through with it (to the minute; null: never)
 * @param revokedAt  when it was revoked (null: it is valid)
 * @param key        the key itself: only in the answer to its creation, never again (null in lists)
 */
@Schema(name = "ModelApiKey")
public record ApiKeyView(UUID id, String deployment, String name, String prefix, Instant createdAt, String createdBy,
                         Instant lastUsedAt, Instant revokedAt, String revokedBy,
                         @Schema(description = "Only in the answer to the key's creation: store it now, it is never "
                                 + "shown again.", example = "pmk_3q2-7wEvdq...")
                         String key) {
}
