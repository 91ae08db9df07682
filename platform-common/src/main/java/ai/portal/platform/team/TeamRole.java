package ai.portal.platform.team;

import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonValue;

/** What a member may do in a team: owners manage members, members run workloads, viewers look. */
public enum TeamRole {
    OWNER, MEMBER, VIEWER;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static TeamRole fromWire(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }

    /** The role for a wire name, empty for anything else. */
    public static Optional<TeamRole> parse(String value) {
        for (TeamRole role : values()) {
            if (role.wireName().equals(value)) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }

    /** Owners and members edit the namespace and run workloads; viewers only read. */
    public boolean canEdit() {
        return this != VIEWER;
    }

    /** Whether this role is enough for what an action needs. */
    public boolean allows(TeamPermission need) {
        return switch (need) {
            case VIEW -> true;
            case EDIT -> canEdit();
            case MANAGE -> this == OWNER;
            case ADMIN -> false;
        };
    }
}
