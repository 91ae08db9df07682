package ai.portal.ui.backend;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.client.AuthorizedClientServiceOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientProviderBuilder;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.client.OAuth2ClientHttpRequestInterceptor;
import org.springframework.http.client.reactive.JdkClientHttpConnector;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * Token relay: every call to a backend carries the signed-in user's Keycloak access token, refreshed with the
 * refresh token when it has expired. The user's session holds the tokens; nothing here has its own credentials.
 */
@Configuration
class BackendClientConfiguration {

    private static final String REGISTRATION = "keycloak";

    @Bean
    OAuth2AuthorizedClientManager authorizedClientManager(ClientRegistrationRepository registrations,
                                                          OAuth2AuthorizedClientService authorizedClients) {
        var manager = new AuthorizedClientServiceOAuth2AuthorizedClientManager(registrations, authorizedClients);
        manager.setAuthorizedClientProvider(OAuth2AuthorizedClientProviderBuilder.builder()
                .authorizationCode()
                .refreshToken()
                .build());
        return manager;
    }

    @Bean
    OAuth2ClientHttpRequestInterceptor userTokenRelay(OAuth2AuthorizedClientManager manager,
                                                      OAuth2AuthorizedClientService authorizedClients) {
        var relay = new OAuth2ClientHttpRequestInterceptor(manager);
        relay.setClientRegistrationIdResolver(request -> REGISTRATION);
        // Looked up per call: Vaadin installs its own SecurityContextHolder strategy after this bean is created,
        // and the interceptor's default would keep the one it saw at construction (an empty context).
        relay.setPrincipalResolver(request -> SecurityContextHolder.getContext().getAuthentication());
        // a backend answering 401 means the token is no good any more: forget it, so the next call re-authorises
        relay.setAuthorizationFailureHandler(OAuth2ClientHttpRequestInterceptor.authorizationFailureHandler(authorizedClients));
        return relay;
    }

    @Bean
    TenantClient tenantClient(RestClient.Builder builder, OAuth2ClientHttpRequestInterceptor relay,
                              BackendProperties backends) {
        return new TenantClient(builder.clone().baseUrl(backends.tenant().toString()).requestInterceptor(relay).build());
    }

    @Bean
    LogsClient logsClient(RestClient.Builder builder, OAuth2ClientHttpRequestInterceptor relay,
                          BackendProperties backends, OAuth2AuthorizedClientManager manager, JsonMapper json) {
        return new LogsClient(builder.clone().baseUrl(backends.logs().toString()).requestInterceptor(relay).build(),
                streaming(backends.logs().toString()), new UserTokens(manager, REGISTRATION), json);
    }

    @Bean
    JobsClient jobsClient(RestClient.Builder builder, OAuth2ClientHttpRequestInterceptor relay,
                          BackendProperties backends, OAuth2AuthorizedClientManager manager, JsonMapper json) {
        return new JobsClient(builder.clone().baseUrl(backends.jobs().toString()).requestInterceptor(relay).build(),
                streaming(backends.jobs().toString()), new UserTokens(manager, REGISTRATION), json);
    }

    @Bean
    MetricsClient metricsClient(RestClient.Builder builder, OAuth2ClientHttpRequestInterceptor relay,
                                BackendProperties backends) {
        return new MetricsClient(builder.clone().baseUrl(backends.metricsOrLogs().toString())
                .requestInterceptor(relay).build());
    }

    /** For server-sent events, which RestClient does not stream: the JDK's HTTP client, no Netty. */
    private static WebClient streaming(String baseUrl) {
        return WebClient.builder().baseUrl(baseUrl).clientConnector(new JdkClientHttpConnector()).build();
    }
}
