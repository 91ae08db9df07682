package ai.portal.platform.security;

import ai.portal.platform.problem.ProblemResponses;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.annotation.method.configuration.EnableReactiveMethodSecurity;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.ReactiveJwtAuthenticationConverterAdapter;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.util.Assert;

import java.util.Collection;

/**
 * Every backend is an OAuth2 resource server: a request to {@code /api/v1/**} needs a Keycloak access token whose
 * signature, issuer, audience and lifetime check out, and one of the portal's realm roles. Team-level access is
 * decided by each service from its own data, never here.
 */
@AutoConfiguration
@EnableWebFluxSecurity
@EnableReactiveMethodSecurity
@EnableConfigurationProperties(PortalSecurityProperties.class)
public class ResourceServerSecurityAutoConfiguration {

    /** The API's description is public: clients and fuzzers read it before they have a token. */
    private static final String[] PUBLIC_PATHS = {
            "/v3/api-docs", "/v3/api-docs/**", "/swagger-ui.html", "/swagger-ui/**", "/webjars/**"};

    /** Probes, for a service run without a management port of its own (the API port then serves the actuator). */
    private static final String[] PROBE_PATHS = {"/actuator/health", "/actuator/health/**"};

    @Bean
    ManagementServer managementServer() {
        return new ManagementServer();
    }

    /**
     * Health, info and metrics are open on the management port only. Without a separate management port the API
     * port serves them: health stays open for probes, metrics and info then need a token. Paths a service lists in
     * {@code portal.security.signed-in-paths} need a valid token but no portal role (e.g. a guest asking for access).
     */
    @Bean
    SecurityWebFilterChain resourceServerFilterChain(ServerHttpSecurity http, ProblemResponses problems,
                                                     ManagementServer management,
                                                     PortalSecurityProperties properties) {
        String[] signedIn = properties.signedInPaths().toArray(String[]::new);
        return http
                // bearer tokens only: no session, no cookies, so no CSRF surface
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .requestCache(ServerHttpSecurity.RequestCacheSpec::disable)
                .authorizeExchange(exchanges -> {
                    exchanges.matchers(management.requests()).permitAll()
                            .pathMatchers(PUBLIC_PATHS).permitAll()
                            .pathMatchers(PROBE_PATHS).permitAll();
                    if (signedIn.length > 0) {
                        exchanges.pathMatchers(signedIn).authenticated();
                    }
                    exchanges.pathMatchers("/api/v1/**").hasAnyRole(PortalRoles.PLATFORM_ADMIN, PortalRoles.DATA_SCIENTIST)
                            .anyExchange().authenticated();
                })
                .oauth2ResourceServer(resourceServer -> resourceServer
                        .jwt(jwt -> jwt.jwtAuthenticationConverter(authenticationConverter()))
                        .authenticationEntryPoint(problems::unauthorized)
                        .accessDeniedHandler(problems::forbidden))
                .exceptionHandling(handling -> handling
                        .authenticationEntryPoint(problems::unauthorized)
                        .accessDeniedHandler(problems::forbidden))
                .build();
    }

    /**
     * Keys come from the issuer's JWKS, looked up lazily so a service can start before Keycloak is ready.
     * Nimbus accepts RS256 only by default, which also rules out {@code alg: none}. The requests to the issuer have
     * timeouts ({@link PortalSecurityProperties#issuerClient}).
     */
    @Bean
    ReactiveJwtDecoder jwtDecoder(PortalSecurityProperties properties) {
        Assert.notNull(properties.issuerUri(), "portal.security.issuer-uri must be set");
        Assert.hasText(properties.audience(), "portal.security.audience must be set");
        String issuer = properties.issuerUri().toString();
        NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder.withIssuerLocation(issuer)
                .webClient(properties.issuerClient())
                .build();
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(
                new JwtTimestampValidator(properties.clockSkew()),
                new JwtIssuerValidator(issuer),
                new JwtClaimValidator<Collection<String>>(JwtClaimNames.AUD,
                        audiences -> audiences != null && audiences.contains(properties.audience()))));
        return decoder;
    }

    private static ReactiveJwtAuthenticationConverterAdapter authenticationConverter() {
        JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
        converter.setJwtGrantedAuthoritiesConverter(new KeycloakAuthoritiesConverter());
        converter.setPrincipalClaimName("preferred_username");
        return new ReactiveJwtAuthenticationConverterAdapter(converter);
    }
}
