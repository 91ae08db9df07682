package ai.portal.platform.problem;

import java.net.URI;

import ai.portal.platform.web.RequestIds;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes RFC 9457 problem details for failures that happen before a controller runs (authentication and
 * authorisation in the security filter chain), so every error of the API has the same shape.
 */
public class ProblemResponses {

    private final JsonMapper json;

    public ProblemResponses(JsonMapper json) {
        this.json = json;
    }

    public Mono<Void> unauthorized(ServerWebExchange exchange, AuthenticationException failure) {
        boolean tokenPresented = exchange.getRequest().getHeaders().containsHeader(HttpHeaders.AUTHORIZATION);
        String detail = tokenPresented
                ? "The bearer token was rejected: " + reasonOf(failure)
                : "This API needs a bearer token from the portal's identity provider.";
        // RFC 6750: tell the client which scheme and, for a bad token, why
        exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE,
                tokenPresented ? "Bearer error=\"invalid_token\"" : "Bearer");
        return write(exchange, HttpStatus.UNAUTHORIZED, "Authentication required", detail);
    }

    public Mono<Void> forbidden(ServerWebExchange exchange, AccessDeniedException denied) {
        return write(exchange, HttpStatus.FORBIDDEN, "Access denied",
                "Your account has no portal role that allows this request.");
    }

    public Mono<Void> write(ServerWebExchange exchange, HttpStatus status, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        problem.setInstance(instanceOf(exchange));
        RequestIds.of(exchange).ifPresent(id -> problem.setProperty("requestId", id));
        byte[] body = json.writeValueAsBytes(problem);
        var response = exchange.getResponse();
        response.setStatusCode(status);
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        DataBuffer buffer = response.bufferFactory().wrap(body);
        return response.writeWith(Mono.just(buffer));
    }

    /** The request's path as the problem's {@code instance}; none when the path is not a valid URI reference. */
    static URI instanceOf(ServerWebExchange exchange) {
        try {
            return URI.create(exchange.getRequest().getPath().value());
        } catch (IllegalArgumentException malformed) {
            return null;
        }
    }

    private static String reasonOf(AuthenticationException failure) {
        // Nimbus' messages say which check failed (expired, issuer, audience, signature) without echoing the token
        return failure instanceof InvalidBearerTokenException && failure.getMessage() != null
                ? failure.getMessage()
                : "it is not a valid access token.";
    }
}
