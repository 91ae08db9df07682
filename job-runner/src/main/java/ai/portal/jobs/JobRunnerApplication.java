package ai.portal.jobs;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** GPU notebooks and training jobs, quota-aware admission and queueing. */
@SpringBootApplication
public class JobRunnerApplication {

    public static void main(String[] args) {
        SpringApplication.run(JobRunnerApplication.class, args);
    }
}
