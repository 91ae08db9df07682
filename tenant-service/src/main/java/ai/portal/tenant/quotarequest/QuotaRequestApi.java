package ai.portal.tenant.quotarequest;

import java.time.Instant;

import ai.portal.tenant.domain.Quota;
import ai.portal.tenant.quota.QuotaApi.QuotaSpec;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

final class QuotaRequestApi {

    record NewRequest(@Valid @NotNull QuotaSpec quota,
                      @Schema(example = "Fine-tuning run for the Q3 model needs 4 more A100s") @NotBlank @Size(max = 2000)
                      String reason) {
    }

    record Decision(@Size(max = 2000) String reason) {
    }

    record QuotaRequest(long id, String team, String requestedBy, String reason, Quota requested,
                        @Schema(allowableValues = {"pending", "approved", "rejected"}) String status,
                        String decidedBy, String decisionReason, Instant createdAt, Instant decidedAt) {
    }

    private QuotaRequestApi() {
    }
}
