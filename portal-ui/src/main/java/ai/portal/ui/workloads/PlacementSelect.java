package ai.portal.ui.workloads;

import ai.portal.ui.backend.JobsApi.Scheduling;
import com.vaadin.flow.component.select.Select;

/**
 * The GPU placement (scheduler profile) of a launch, where the platform allows more than one: the job runner's
 * {@code scheduling} answer lists them with the platform default marked. With one profile (or a job runner that
 * does not say) it stays hidden and the launch names none, so the job runner's default applies.
 */
class PlacementSelect extends Select<String> {

    PlacementSelect(String id) {
        setId(id);
    }

    /** Fills in the allowed profiles once the team's capacity is loaded; the platform default is chosen. */
    void offer(Scheduling scheduling) {
        setLabel(getTranslation("placement.choice"));
        setHelperText(getTranslation("placement.help"));
        if (scheduling != null && !scheduling.allowed().isEmpty()) {
            setItems(scheduling.allowed());
            setItemLabelGenerator(profile -> profile.equals(scheduling.defaultScheduler())
                    ? getTranslation("placement.platform-default", WorkloadWords.placement(this, profile))
                    : WorkloadWords.placement(this, profile));
            setValue(scheduling.allowed().contains(scheduling.defaultScheduler())
                    ? scheduling.defaultScheduler() : scheduling.allowed().getFirst());
        }
        setVisible(scheduling != null && scheduling.allowed().size() > 1);
    }

    /** Chooses {@code profile} again (a resubmitted workload's), when it is still offered. */
    void choose(String profile) {
        if (profile != null && isVisible() && getListDataView().contains(profile)) {
            setValue(profile);
        }
    }

    /** The profile to name in the launch: none while hidden. */
    String chosen() {
        return isVisible() ? getValue() : null;
    }
}
