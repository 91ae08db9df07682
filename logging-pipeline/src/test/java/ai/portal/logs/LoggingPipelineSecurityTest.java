package ai.portal.logs;

import ai.portal.testing.ResourceServerContract;
import org.springframework.boot.test.context.SpringBootTest;

/** logging-pipeline as an OAuth2 resource server, against the real Keycloak: the whole rejection matrix. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "portal.security.clock-skew=0s")
class LoggingPipelineSecurityTest extends ResourceServerContract {
}
