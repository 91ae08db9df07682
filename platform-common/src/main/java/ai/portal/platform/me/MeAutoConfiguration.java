package ai.portal.platform.me;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

@AutoConfiguration
@Import(MeController.class)
public class MeAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    TeamDirectory teamDirectory() {
        return new TokenGroupsTeamDirectory();
    }
}
