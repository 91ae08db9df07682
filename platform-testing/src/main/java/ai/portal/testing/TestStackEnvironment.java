package ai.portal.testing;

import java.util.HashMap;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Lets a service under test find the suite's Keycloak and PostgreSQL the same way {@link TestStack} does, so
 * {@code mvn test} in one module works against a running {@code ./portal up} without exporting anything.
 * Real environment variables still win: this source is consulted last.
 */
class TestStackEnvironment implements EnvironmentPostProcessor, Ordered {

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        environment.getPropertySources().addLast(
                new MapPropertySource("portalTestStack", new HashMap<>(TestStack.get().values())));
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
