package ai.portal.tenant;

import ai.portal.platform.audit.AuditConfiguration;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;

/** Teams, members, GPU quotas and their provisioning as isolated namespaces. */
@SpringBootApplication
@Import(AuditConfiguration.class)
public class TenantServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(TenantServiceApplication.class, args);
    }
}
