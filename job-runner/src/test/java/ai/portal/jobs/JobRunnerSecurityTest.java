package ai.portal.jobs;

import ai.portal.testing.ResourceServerContract;
import org.springframework.boot.test.context.SpringBootTest;

/** job-runner as an OAuth2 resource server, against the real Keycloak: the whole rejection matrix. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"portal.security.clock-skew=0s",
                // the contract is about tokens: /me answers from the token alone, no tenant-service needed
                "portal.teams.tenant-service-url="})
class JobRunnerSecurityTest extends ResourceServerContract {
}
