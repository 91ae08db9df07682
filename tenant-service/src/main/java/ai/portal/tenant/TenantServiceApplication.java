package ai.portal.tenant;

import ai.portal.platform.audit.AuditController;
import ai.portal.platform.audit.AuditLog;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;

/** Teams, members, GPU quotas and their provisioning as isolated namespaces. */
@SpringBootApplication
@Import({AuditLog.class, AuditController.class})
public class TenantServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(TenantServiceApplication.class, args);
    }
}
