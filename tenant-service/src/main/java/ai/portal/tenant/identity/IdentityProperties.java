package ai.portal.tenant.identity;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How tenant-service reaches Keycloak's admin API.
 *
 * @param serverUrl      Keycloak's base URL, without {@code /realms/...}
 * @param realm          the portal's realm, where the users and team groups live
 * @param clientId       the confidential client whose service account holds {@code realm-management/manage-users}
 * @param clientSecret   its secret (client-credentials grant)
 * @param parentGroup    the realm's top-level group under which every team's groups are kept
 * @param connectTimeout how long to wait for a connection to Keycloak
 * @param readTimeout    how long to wait for one admin call's answer
 */
@ConfigurationProperties("portal.identity")
public record IdentityProperties(
        @DefaultValue("http://localhost:8180") String serverUrl,
        @DefaultValue("portal") String realm,
        @DefaultValue("tenant-service-admin") String clientId,
        @DefaultValue("") String clientSecret,
        @DefaultValue("teams") String parentGroup,
        @DefaultValue("5s") Duration connectTimeout,
        @DefaultValue("30s") Duration readTimeout) {

    public IdentityProperties {
        serverUrl = serverUrl.endsWith("/") ? serverUrl.substring(0, serverUrl.length() - 1) : serverUrl;
        parentGroup = parentGroup.startsWith("/") ? parentGroup.substring(1) : parentGroup;
    }

    /** The parent group's path, e.g. {@code /teams}. */
    public String parentPath() {
        return "/" + parentGroup;
    }
}
