package ai.portal.jobs.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EventBuilder;
import org.junit.jupiter.api.Test;

/** Kueue's long "couldn't assign flavors" event reads as what it means; the raw message stays beside it. */
class EventTextsTest {

    @Test
    void aFullQuotaReadsAsAFullQuotaNotAsKueuesSearchThroughFlavors() {
        String kueue = "couldn't assign flavors to pod set main: flavor inst-nvidia-h100-80gb-hbm3 doesn't match "
                + "node affinity, flavor inst-tesla-t4 doesn't match node affinity, insufficient unused quota for "
                + "nvidia.com/gpu in flavor inst-nvidia-a100-sxm4-80gb, 4 more needed";
        KubernetesEvent event = EventTexts.plain(new EventBuilder().withNewMetadata().withName("e")
                .withCreationTimestamp("2026-11-30T07:00:00Z").endMetadata().withReason("Pending").withMessage(kueue)
                .withType("Warning").build());
        assertThat(event.text()).isEqualTo("waiting in the queue: the team's GPU quota is used up (4 more needed)");
        assertThat(event.message()).isEqualTo(kueue);
        assertThat(EventTexts.pending("couldn't assign flavors to pod set main: insufficient quota for cpu in "
                + "flavor default, request > maximum capacity"))
                .isEqualTo("it asks for more CPU than the team's quota could ever give");
        assertThat(EventTexts.pending("something else")).isEqualTo("something else");
    }
}
