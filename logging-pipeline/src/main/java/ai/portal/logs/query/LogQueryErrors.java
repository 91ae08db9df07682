package ai.portal.logs.query;

import ai.portal.platform.problem.ApiException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import reactor.core.publisher.Mono;

/**
 * Malformed requests to the log API are the client's fault: Spring Security's firewall refuses a parameter name or
 * value with control or unassigned characters ({@code ?%C2%85=1}, {@code ?status=%00}) by throwing, which would
 * otherwise end as a 500. Answered as a 400 problem here until platform-common maps it for every service.
 */
@RestControllerAdvice // not scoped to a controller: the firewall refuses before one is chosen
@Order(Ordered.HIGHEST_PRECEDENCE)
class LogQueryErrors {

    @ExceptionHandler(ServerExchangeRejectedException.class)
    Mono<Void> rejected(ServerExchangeRejectedException rejected) {
        return Mono.error(new ApiException(HttpStatus.BAD_REQUEST, "Malformed request",
                "The request has a parameter name or value this API does not accept (control or unassigned "
                        + "characters)."));
    }
}
