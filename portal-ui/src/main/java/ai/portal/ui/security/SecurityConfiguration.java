package ai.portal.ui.security;

import com.vaadin.flow.spring.security.VaadinSecurityConfigurer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.DefaultOAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestCustomizers;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Every page needs a Keycloak login (authorization code with PKCE). Logging out ends the Keycloak session too
 * (RP-initiated logout) and comes back to the portal, which sends the browser to the login page again.
 */
@Configuration
@EnableWebSecurity
class SecurityConfiguration {

    static final String REGISTRATION = "keycloak";

    @Bean
    SecurityFilterChain portalUiFilterChain(HttpSecurity http, ClientRegistrationRepository registrations) throws Exception {
        var authorizationRequests = new DefaultOAuth2AuthorizationRequestResolver(registrations,
                "/oauth2/authorization");
        authorizationRequests.setAuthorizationRequestCustomizer(OAuth2AuthorizationRequestCustomizers.withPkce());

        http.authorizeHttpRequests(requests -> requests
                .requestMatchers("/actuator/health", "/actuator/health/**", "/actuator/prometheus", "/styles.css")
                .permitAll());
        http.oauth2Login(login -> login.authorizationEndpoint(endpoint -> endpoint
                .authorizationRequestResolver(authorizationRequests)));
        http.with(VaadinSecurityConfigurer.vaadin(), vaadin -> vaadin
                .oauth2LoginPage("/oauth2/authorization/" + REGISTRATION, "{baseUrl}"));
        return http.build();
    }
}
