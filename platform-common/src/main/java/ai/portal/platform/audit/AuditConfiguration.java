package ai.portal.platform.audit;

import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * The audit log and its admin API, for a service that keeps one ({@code @Import(AuditConfiguration.class)}); not an
 * auto-configuration, so services without a database never carry it.
 */
@Configuration(proxyBeanMethods = false)
@Import({AuditLog.class, AuditController.class})
public class AuditConfiguration {
}
