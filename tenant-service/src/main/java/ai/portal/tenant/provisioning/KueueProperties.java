package ai.portal.tenant.provisioning;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How teams are queued by Kueue ({@code portal.kueue.*}).
 *
 * @param enabled           provision Kueue's objects (when the cluster serves Kueue's API; see DESIGN.md)
 * @param borrowing         put every team's ClusterQueue in one cohort (the installation id), so a team may borrow
 *                          GPUs other teams leave idle; the lender reclaims them by preemption when it needs them
 * @param gpuBorrowingLimit with borrowing, how many GPUs of each type a team may borrow beyond its own quota; the
 *                          team's ResourceQuota allows its quota plus this, per GPU type, so borrowed GPUs admitted
 *                          by Kueue are not refused by the quota backstop
 */
@ConfigurationProperties("portal.kueue")
public record KueueProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("false") boolean borrowing,
        @DefaultValue("8") int gpuBorrowingLimit) {

    public static final KueueProperties DEFAULTS = new KueueProperties(true, false, 8);

    public KueueProperties {
        if (gpuBorrowingLimit < 0) {
            throw new IllegalArgumentException("portal.kueue.gpu-borrowing-limit must not be negative, was "
                    + gpuBorrowingLimit);
        }
    }

    /** GPUs of one type a team may hold beyond its quota of that type. */
    public int gpusBorrowablePerType() {
        return borrowing ? gpuBorrowingLimit : 0;
    }
}
