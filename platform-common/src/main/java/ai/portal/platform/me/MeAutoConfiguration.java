package ai.portal.platform.me;

import ai.portal.platform.team.TeamAuthorizer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.web.reactive.function.client.WebClient;

@AutoConfiguration
@Import(MeController.class)
@EnableConfigurationProperties(TeamDirectoryProperties.class)
public class MeAutoConfiguration {

    /**
     * tenant-service declares its own directory (its database). Every other service asks tenant-service when its
     * URL is set, and otherwise reads the token's group paths.
     */
    @Bean
    @ConditionalOnMissingBean
    TeamDirectory teamDirectory(TeamDirectoryProperties properties, ObjectProvider<WebClient.Builder> web) {
        if (!properties.useTenantService()) {
            return new TokenGroupsTeamDirectory();
        }
        // Boot 4 auto-configures a WebClient.Builder only with spring-boot-webclient on the classpath
        return new TenantServiceTeamDirectory(web.getIfAvailable(WebClient::builder).clone().baseUrl(properties.tenantServiceUrl()).build(),
                properties.cacheFor(), properties.timeout());
    }

    @Bean
    @ConditionalOnMissingBean
    TeamAuthorizer teamAuthorizer(TeamDirectory directory) {
        return new TeamAuthorizer(directory);
    }
}
