package ai.portal.logs;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Container logs collected into OpenSearch; tenant-scoped search and live tail. */
@SpringBootApplication
public class LoggingPipelineApplication {

    public static void main(String[] args) {
        SpringApplication.run(LoggingPipelineApplication.class, args);
    }
}
