package ai.portal.logs;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Container logs collected into OpenSearch; tenant-scoped search and live tail. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class LoggingPipelineApplication {

    public static void main(String[] args) {
        SpringApplication.run(LoggingPipelineApplication.class, args);
    }
}
