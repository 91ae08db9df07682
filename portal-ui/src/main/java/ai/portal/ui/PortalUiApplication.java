package ai.portal.ui;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The portal's browser front end: Vaadin Flow on the servlet stack, behind Keycloak login. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class PortalUiApplication {

    public static void main(String[] args) {
        SpringApplication.run(PortalUiApplication.class, args);
    }
}
