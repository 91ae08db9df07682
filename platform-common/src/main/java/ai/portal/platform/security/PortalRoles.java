package ai.portal.platform.security;

/** Keycloak realm roles of the portal, and the Spring authorities they become. */
public final class PortalRoles {

    public static final String PLATFORM_ADMIN = "platform-admin";
    public static final String DATA_SCIENTIST = "data-scientist";

    /** Authority granted for a realm role, as {@code hasRole(...)} expects it. */
    public static String authority(String realmRole) {
        return "ROLE_" + realmRole;
    }

    private PortalRoles() {
    }
}
