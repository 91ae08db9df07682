package ai.portal.ui.security;

import ai.portal.ui.i18n.LocalePreference;
import com.vaadin.flow.spring.security.VaadinSecurityConfigurer;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.DefaultOAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestCustomizers;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Every page needs a Keycloak login (authorization code with PKCE), on Keycloak's login page in the portal's
 * language ({@code ui_locales}). Logging out ends the Keycloak session too (RP-initiated logout) and comes back to
 * the portal's "you have been signed out" page.
 */
@Configuration
@EnableWebSecurity
class SecurityConfiguration {

    static final String REGISTRATION = "keycloak";
    static final String SIGNED_OUT = "/signed-out";

    @Bean
    SecurityFilterChain portalUiFilterChain(HttpSecurity http, ClientRegistrationRepository registrations) throws Exception {
        http.authorizeHttpRequests(requests -> requests
                .requestMatchers("/actuator/health", "/actuator/health/**", "/actuator/prometheus", "/styles.css",
                        "/icons/**", "/favicon.ico")
                .permitAll());
        http.oauth2Login(login -> login.authorizationEndpoint(endpoint -> endpoint
                .authorizationRequestResolver(inUsersLanguage(registrations))));
        http.with(VaadinSecurityConfigurer.vaadin(), vaadin -> vaadin
                .oauth2LoginPage("/oauth2/authorization/" + REGISTRATION, "{baseUrl}" + SIGNED_OUT)
                // a URL the portal does not have reaches Vaadin's router for a signed-in user, which shows the
                // portal's own "not found or not allowed" page in the layout instead of the browser's bare 403;
                // which views a user may open is still decided per view by Vaadin's navigation access control
                .anyRequest(url -> url.authenticated()));
        return http.build();
    }

    /** PKCE, and Keycloak's pages in the language the portal would speak to this browser. */
    private static OAuth2AuthorizationRequestResolver inUsersLanguage(ClientRegistrationRepository registrations) {
        var pkce = new DefaultOAuth2AuthorizationRequestResolver(registrations, "/oauth2/authorization");
        pkce.setAuthorizationRequestCustomizer(OAuth2AuthorizationRequestCustomizers.withPkce());
        return new OAuth2AuthorizationRequestResolver() {
            @Override
            public OAuth2AuthorizationRequest resolve(HttpServletRequest request) {
                return withLocale(pkce.resolve(request), request);
            }

            @Override
            public OAuth2AuthorizationRequest resolve(HttpServletRequest request, String registrationId) {
                return withLocale(pkce.resolve(request, registrationId), request);
            }
        };
    }

    private static OAuth2AuthorizationRequest withLocale(OAuth2AuthorizationRequest authorization,
                                                         HttpServletRequest request) {
        if (authorization == null) {
            return null;
        }
        String locale = LocalePreference.keycloakTag(LocalePreference.of(request));
        return OAuth2AuthorizationRequest.from(authorization)
                .additionalParameters(parameters -> parameters.put("ui_locales", locale))
                .build();
    }
}
