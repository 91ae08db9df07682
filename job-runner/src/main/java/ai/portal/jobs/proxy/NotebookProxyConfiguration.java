package ai.portal.jobs.proxy;

import ai.portal.jobs.cluster.ClusterState;
import ai.portal.jobs.serving.ApiKeyService;
import ai.portal.jobs.serving.ServingService;
import io.micrometer.core.instrument.MeterRegistry;
import ai.portal.jobs.tracking.TrackingService;
import ai.portal.jobs.workload.NotebookTokens;
import ai.portal.platform.security.PortalSecurityProperties;
import ai.portal.platform.team.TeamAuthorizer;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.gateway.filter.NettyWriteResponseFilter;
import org.springframework.cloud.gateway.filter.RouteToRequestUrlFilter;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.cloud.gateway.route.builder.RouteLocatorBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.server.resource.authentication.JwtReactiveAuthenticationManager;
import org.springframework.security.oauth2.client.AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.InMemoryReactiveOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientProviderBuilder;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.endpoint.OAuth2AuthorizationCodeGrantRequest;
import org.springframework.security.oauth2.client.endpoint.ReactiveOAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.WebClientReactiveAuthorizationCodeTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.WebClientReactiveRefreshTokenTokenResponseClient;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcReactiveOAuth2UserService;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserRequest;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.client.userinfo.DefaultReactiveOAuth2UserService;
import org.springframework.security.oauth2.client.userinfo.ReactiveOAuth2UserService;
import org.springframework.security.oauth2.client.web.server.AuthenticatedPrincipalServerOAuth2AuthorizedClientRepository;
import org.springframework.security.oauth2.client.web.server.DefaultServerOAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.client.web.server.ServerOAuth2AuthorizedClientRepository;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestCustomizers;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.DelegatingServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authentication.RedirectServerAuthenticationEntryPoint;
import org.springframework.security.web.server.context.WebSessionServerSecurityContextRepository;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.web.reactive.socket.server.WebSocketService;
import org.springframework.web.server.session.CookieWebSessionIdResolver;
import org.springframework.web.server.session.DefaultWebSessionManager;
import org.springframework.web.server.session.WebSessionManager;
import reactor.core.publisher.Mono;

/**
 * The notebook proxy: Spring Cloud Gateway routes {@code /notebooks/**} (HTTP and WebSockets) to notebook pods;
 * browsers sign in on these paths with the portal's Keycloak (authorization code with PKCE, a session cookie of
 * the proxy's own); the rest of the job runner stays a bearer-token resource server.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(NotebookProxyProperties.class)
class NotebookProxyConfiguration {

    /** Where browsers are sent to sign in, and the callback's last path segment. */
    static final String REGISTRATION = "notebooks";
    static final String[] PATHS = {"/notebooks/**", "/oauth2/authorization/**", "/login/oauth2/code/**"};
    static final String[] MLFLOW_PATHS = {"/mlflow/**"};
    static final String[] MODEL_PATHS = {"/models/**"};
    /** The paths programs reach with a bearer token (and browsers with the proxy's session): MLflow and models. */
    static final String[] PROGRAM_PATHS = {"/mlflow/**", "/models/**"};

    /**
     * Keycloak's endpoints are named rather than discovered, so the job runner starts while Keycloak is still
     * starting (discovery would be a call at start-up).
     */
    @Bean
    ReactiveClientRegistrationRepository notebookClientRegistrations(NotebookProxyProperties properties,
                                                                     PortalSecurityProperties security) {
        if (!properties.signInConfigured()) {
            LoggerFactory.getLogger(NotebookProxyConfiguration.class).warn("portal.notebooks.proxy.client-secret "
                    + "(NOTEBOOK_PROXY_CLIENT_SECRET) is not set: nobody can sign in to open a notebook");
        }
        String issuer = security.issuerUri().toString().replaceAll("/+$", "");
        String oidc = issuer + "/protocol/openid-connect";
        ClientRegistration keycloak = ClientRegistration.withRegistrationId(REGISTRATION)
                .clientId(properties.clientId())
                .clientSecret(properties.signInConfigured() ? properties.clientSecret() : "unset")
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .redirectUri("{baseUrl}/login/oauth2/code/{registrationId}")
                .scope("openid", "profile", "email")
                .authorizationUri(oidc + "/auth")
                .tokenUri(oidc + "/token")
                .jwkSetUri(oidc + "/certs")
                .userInfoUri(oidc + "/userinfo")
                .userNameAttributeName("preferred_username")
                .issuerUri(issuer)
                .clientName("AI Portal notebooks")
                .build();
        return new InMemoryReactiveClientRegistrationRepository(keycloak);
    }

    @Bean
    ReactiveOAuth2AuthorizedClientService notebookAuthorizedClients(ReactiveClientRegistrationRepository registrations) {
        return new InMemoryReactiveOAuth2AuthorizedClientService(registrations);
    }

    @Bean
    ServerOAuth2AuthorizedClientRepository notebookAuthorizedClientRepository(
            ReactiveOAuth2AuthorizedClientService clients) {
        return new AuthenticatedPrincipalServerOAuth2AuthorizedClientRepository(clients);
    }

    /** Gives the signed-in user's access token, refreshed with the refresh token once it expired. */
    @Bean
    ReactiveOAuth2AuthorizedClientManager notebookAuthorizedClientManager(
            ReactiveClientRegistrationRepository registrations, ReactiveOAuth2AuthorizedClientService clients,
            PortalSecurityProperties security) {
        var refresh = new WebClientReactiveRefreshTokenTokenResponseClient();
        refresh.setWebClient(security.issuerClient());
        var manager = new AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager(registrations, clients);
        manager.setAuthorizedClientProvider(ReactiveOAuth2AuthorizedClientProviderBuilder.builder()
                .authorizationCode().refreshToken(token -> token.accessTokenResponseClient(refresh)).build());
        return manager;
    }

    /**
     * The sign-in's exchange of the authorization code at Keycloak, with the issuer's timeouts (the login filter
     * takes this bean): without them a request Keycloak never answered would hold the browser on the callback
     * without end; with them the sign-in fails within the timeout.
     */
    @Bean
    ReactiveOAuth2AccessTokenResponseClient<OAuth2AuthorizationCodeGrantRequest> notebookCodeExchange(
            PortalSecurityProperties security) {
        var exchange = new WebClientReactiveAuthorizationCodeTokenResponseClient();
        exchange.setWebClient(security.issuerClient());
        return exchange;
    }

    /** The sign-in's user-info request, with the issuer's timeouts as the code exchange (the login filter takes it). */
    @Bean
    ReactiveOAuth2UserService<OidcUserRequest, OidcUser> notebookUserInfo(PortalSecurityProperties security) {
        var userInfo = new DefaultReactiveOAuth2UserService();
        userInfo.setWebClient(security.issuerClient());
        var oidc = new OidcReactiveOAuth2UserService();
        oidc.setOauth2UserService(userInfo);
        return oidc;
    }

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    SecurityWebFilterChain notebookProxySecurity(ServerHttpSecurity http,
                                                 ReactiveClientRegistrationRepository registrations,
                                                 ServerOAuth2AuthorizedClientRepository authorizedClients) {
        var authorizationRequests = new DefaultServerOAuth2AuthorizationRequestResolver(registrations);
        authorizationRequests.setAuthorizationRequestCustomizer(OAuth2AuthorizationRequestCustomizers.withPkce());
        return http
                .securityMatcher(ServerWebExchangeMatchers.pathMatchers(PATHS))
                // changes and WebSockets must come from the proxy's own origin (NotebookProxyFilter), and the
                // session cookie is SameSite=Lax: Spring's CSRF token would only break JupyterLab's own requests
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .authorizeExchange(exchanges -> exchanges.anyExchange().authenticated())
                .oauth2Login(login -> login
                        .clientRegistrationRepository(registrations)
                        .authorizedClientRepository(authorizedClients)
                        .authorizationRequestResolver(authorizationRequests))
                .exceptionHandling(handling -> handling.authenticationEntryPoint(
                        new RedirectServerAuthenticationEntryPoint("/oauth2/authorization/" + REGISTRATION)))
                .build();
    }

    /**
     * The MLflow proxy's paths ({@code /mlflow/<team>/…}) and the model gateway's ({@code /models/<team>/<name>/…}):
     * a browser signs in as for notebooks (the same session),
     * a program (the MLflow client with {@code MLFLOW_TRACKING_TOKEN}, a script) sends a bearer token and is
     * answered 401 without one rather than sent to a login page.
     */
    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE + 1)
    SecurityWebFilterChain mlflowProxySecurity(ServerHttpSecurity http, ReactiveJwtDecoder decoder,
                                               ApiKeyService keys) {
        ServerWebExchangeMatcher program = exchange -> {
            var headers = exchange.getRequest().getHeaders();
            boolean browser = headers.getFirst(HttpHeaders.AUTHORIZATION) == null && headers.getAccept().stream()
                    .anyMatch(type -> !type.isWildcardType() && type.isCompatibleWith(MediaType.TEXT_HTML));
            return browser ? ServerWebExchangeMatcher.MatchResult.notMatch()
                    : ServerWebExchangeMatcher.MatchResult.match();
        };
        var entryPoint = new DelegatingServerAuthenticationEntryPoint(
                new DelegatingServerAuthenticationEntryPoint.DelegateEntry(program, ProgramSignIn::refuse));
        entryPoint.setDefaultEntryPoint(new RedirectServerAuthenticationEntryPoint("/oauth2/authorization/"
                + REGISTRATION));
        ReactiveAuthenticationManager jwtCallers = new JwtReactiveAuthenticationManager(decoder);
        ReactiveAuthenticationManager modelCallers = ModelKeyAuthentication.keysOr(keys, jwtCallers);
        return http
                .securityMatcher(ServerWebExchangeMatchers.pathMatchers(PROGRAM_PATHS))
                // a browser's changes must come from the proxy's own origin (MlflowProxyFilter); bearer clients
                // carry no ambient credential
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                // the browser's sign-in is the notebook proxy's session
                .securityContextRepository(new WebSessionServerSecurityContextRepository())
                .authorizeExchange(exchanges -> exchanges.anyExchange().authenticated())
                // a model's path also takes its deployment's API keys; MLflow's only access tokens
                .oauth2ResourceServer(server -> server.authenticationManagerResolver(exchange -> Mono.just(
                                exchange.getRequest().getPath().pathWithinApplication().value().startsWith("/models/")
                                        ? modelCallers : jwtCallers))
                        .authenticationEntryPoint(entryPoint))
                .exceptionHandling(handling -> handling.authenticationEntryPoint(entryPoint))
                .build();
    }

    /** The proxy's session cookie: its own name, so it never collides with the UI's on the same host. */
    @Bean(name = "webSessionManager")
    WebSessionManager webSessionManager(NotebookProxyProperties properties) {
        var cookies = new CookieWebSessionIdResolver();
        cookies.setCookieName(properties.sessionCookie());
        cookies.addCookieInitializer(cookie -> cookie.path("/").httpOnly(true).sameSite("Lax"));
        var sessions = new DefaultWebSessionManager();
        sessions.setSessionIdResolver(cookies);
        return sessions;
    }

    @Bean
    NotebookAccess notebookAccess(ReactiveOAuth2AuthorizedClientManager clients, ReactiveJwtDecoder decoder,
                                  TeamAuthorizer authorizer) {
        return new NotebookAccess(clients, decoder, authorizer, REGISTRATION);
    }

    @Bean
    NotebookTargets notebookTargets(ClusterState cluster, NotebookTokens tokens) {
        return new NotebookTargets(cluster, tokens);
    }

    @Bean
    NotebookSockets notebookSockets(NotebookAccess access, NotebookProxyProperties properties) {
        return new NotebookSockets(access, properties.recheckPeriod());
    }

    @Bean
    RouteLocator notebookRoutes(RouteLocatorBuilder routes, NotebookAccess access, NotebookTargets targets,
                                NotebookProxyProperties properties, TrackingService tracking,
                                ServingService serving, MeterRegistry meters) {
        var decide = new NotebookProxyFilter(access, targets, properties.sessionCookie());
        var decideMlflow = new MlflowProxyFilter(access, tracking, properties.sessionCookie());
        var decideModel = new ModelProxyFilter(access, serving, properties.sessionCookie(), new ModelRateLimiter(),
                new ModelMetrics(meters));
        return routes.routes()
                .route("notebooks", route -> route.path("/notebooks/**")
                        // after the gateway made the request URL from the route's placeholder URI, before routing
                        .filters(filters -> filters
                                .filter(decide, RouteToRequestUrlFilter.ROUTE_TO_URL_FILTER_ORDER + 1)
                                // wraps the response before the gateway's writer takes it
                                .filter(NotebookProxyFilter.TOKEN_SCRUBBER,
                                        NettyWriteResponseFilter.WRITE_RESPONSE_FILTER_ORDER - 1))
                        .uri("http://notebook-pod.invalid"))
                .route("mlflow", route -> route.path(MLFLOW_PATHS)
                        .filters(filters -> filters
                                .filter(decideMlflow, RouteToRequestUrlFilter.ROUTE_TO_URL_FILTER_ORDER + 1))
                        .uri("http://mlflow-server.invalid"))
                .route("models", route -> route.path(MODEL_PATHS)
                        .filters(filters -> filters
                                .filter(decideModel, RouteToRequestUrlFilter.ROUTE_TO_URL_FILTER_ORDER + 1))
                        .uri("http://model-server.invalid"))
                .build();
    }

    /** Every WebSocket the gateway proxies to a notebook is tracked, so a removed member's sockets close. */
    @Bean
    static BeanPostProcessor notebookSocketTracking(ObjectProvider<NotebookSockets> sockets) {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                return bean instanceof WebSocketService service && !(bean instanceof LazyTracking)
                        ? new LazyTracking(service, sockets) : bean;
            }
        };
    }

    /** Looks the tracker up at the first socket: it depends on beans that do not exist yet when the service does. */
    private record LazyTracking(WebSocketService delegate, ObjectProvider<NotebookSockets> sockets)
            implements WebSocketService {
        @Override
        public reactor.core.publisher.Mono<Void> handleRequest(org.springframework.web.server.ServerWebExchange exchange,
                                                               org.springframework.web.reactive.socket.WebSocketHandler handler) {
            return sockets.getObject().tracking(delegate).handleRequest(exchange, handler);
        }
    }
}
