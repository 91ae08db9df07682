package ai.portal.jobs.proxy;

import java.nio.charset.StandardCharsets;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * A program (the MLflow client, a script, a machine client with an API key) that is not signed in on the MLflow
 * and model paths: 401 with {@code WWW-Authenticate: Bearer} (RFC 6750: {@code error="invalid_token"} when a token
 * or key was sent and refused) and RFC 9457 problem details saying what to send, rather than a login page.
 */
final class ProgramSignIn {

    private ProgramSignIn() {
    }

    static Mono<Void> refuse(ServerWebExchange exchange, AuthenticationException failure) {
        boolean presented = failure instanceof OAuth2AuthenticationException;
        String detail = presented
                ? "The bearer token or API key is not valid (unknown, revoked or expired)."
                : "Send an access token or the deployment's API key as 'Authorization: Bearer <token or key>'.";
        var response = exchange.getResponse();
        response.setStatusCode(HttpStatus.UNAUTHORIZED);
        response.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, presented
                ? "Bearer error=\"invalid_token\", error_description=\"" + detail + "\"" : "Bearer");
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        response.getHeaders().setCacheControl("no-store");
        String problem = "{\"type\":\"about:blank\",\"title\":\"Not signed in\",\"status\":401,\"detail\":\""
                + detail + "\"}";
        return response.writeWith(Mono.just(response.bufferFactory().wrap(problem.getBytes(StandardCharsets.UTF_8))));
    }
}
