package ai.portal.jobs;

import ai.portal.platform.audit.AuditConfiguration;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;

/** GPU notebooks and training jobs, quota-aware admission and queueing. */
@SpringBootApplication
@Import(AuditConfiguration.class)
public class JobRunnerApplication {

    public static void main(String[] args) {
        SpringApplication.run(JobRunnerApplication.class, args);
    }
}
