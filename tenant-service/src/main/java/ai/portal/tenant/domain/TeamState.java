package ai.portal.tenant.domain;

/** Where a team is in its life: active teams run workloads; archived ones keep their data but start nothing new. */
public enum TeamState {
    ACTIVE, ARCHIVED, DELETING
}
