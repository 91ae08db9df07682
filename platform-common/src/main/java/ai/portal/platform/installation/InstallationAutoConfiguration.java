package ai.portal.platform.installation;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

@AutoConfiguration
@EnableConfigurationProperties(Installation.class)
public class InstallationAutoConfiguration {
}
