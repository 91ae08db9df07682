package ai.portal.tenant.team;

import com.fasterxml.jackson.annotation.JsonValue;

/** What a member may do in a team: owners manage members, members run workloads, viewers look. */
public enum TeamRole {
    OWNER, MEMBER, VIEWER;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static TeamRole fromWire(String value) {
        return valueOf(value.toUpperCase(java.util.Locale.ROOT));
    }

    /** Owners and members edit the namespace; viewers only read it. */
    public boolean canEdit() {
        return this != VIEWER;
    }
}
