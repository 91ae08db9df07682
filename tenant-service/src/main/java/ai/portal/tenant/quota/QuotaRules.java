package ai.portal.tenant.quota;

import ai.portal.tenant.domain.Quota;
import ai.portal.tenant.quota.QuotaApi.QuotaSpec;
import reactor.core.publisher.Mono;

/**
 * The quota feature's port for other features (a quota request carries a quota that must meet the same rules as
 * one an admin sets): the rules only; writing a quota is {@code TeamRepository.saveQuota} inside the caller's own
 * audited change.
 */
public interface QuotaRules {

    /** The quota {@code spec} describes, checked against the sanity limits and the GPU type catalogue. */
    Mono<Quota> validate(QuotaSpec spec);
}
