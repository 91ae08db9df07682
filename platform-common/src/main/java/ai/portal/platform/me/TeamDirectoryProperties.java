package ai.portal.platform.me;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where a service without membership data asks for the caller's teams ({@code portal.teams.*}).
 *
 * @param tenantServiceUrl tenant-service's base URL; when unset, teams come from the token's groups (full paths only)
 * @param cacheFor         how long one answer per token is reused: the longest a removed member keeps access here
 * @param timeout          how long to wait for tenant-service before answering 503
 */
@ConfigurationProperties("portal.teams")
public record TeamDirectoryProperties(String tenantServiceUrl,
                                      @DefaultValue("5s") Duration cacheFor,
                                      @DefaultValue("3s") Duration timeout) {

    public boolean useTenantService() {
        return tenantServiceUrl != null && !tenantServiceUrl.isBlank();
    }
}
