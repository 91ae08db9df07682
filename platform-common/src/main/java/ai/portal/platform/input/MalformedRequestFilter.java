package ai.portal.platform.input;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import ai.portal.platform.problem.ProblemResponses;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Refuses, with a 400 problem detail and before authentication or any handler runs, a request whose URL no handler
 * should have to take at face value:
 * <ul>
 *     <li>a percent-escape that is broken ({@code %G1}, a lone {@code %}) or whose bytes are not UTF-8 ({@code %FF}):
 *     Spring would otherwise decode it leniently into U+FFFD and let it through;</li>
 *     <li>a control character (Unicode category Cc: U+0000–U+001F, U+007F–U+009F) in a path segment or in a query
 *     parameter's name or value: a NUL reaches PostgreSQL (which cannot store it), a CR, LF or NEL reaches logs,
 *     audit rows and the identity provider.</li>
 * </ul>
 * Over-long URLs never get here: the server refuses a request line over 4 KiB itself. Request bodies are checked by
 * {@link StrictJsonStrings} as they are read.
 */
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
public class MalformedRequestFilter implements WebFilter {

    private final ProblemResponses problems;

    public MalformedRequestFilter(ProblemResponses problems) {
        this.problems = problems;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        Optional<String> fault = faultIn(exchange.getRequest().getPath().value(),
                exchange.getRequest().getURI().getRawQuery());
        return fault.isPresent()
                ? problems.write(exchange, HttpStatus.BAD_REQUEST, "Malformed request", fault.get())
                : chain.filter(exchange);
    }

    /** What is wrong with a raw (still percent-encoded) path and query, in words for the caller; empty if nothing. */
    static Optional<String> faultIn(String rawPath, String rawQuery) {
        for (String segment : rawPath.split("/", -1)) {
            Optional<String> fault = faultInComponent(segment, false, "The URL path");
            if (fault.isPresent()) {
                return fault;
            }
        }
        if (rawQuery == null || rawQuery.isEmpty()) {
            return Optional.empty();
        }
        for (String pair : rawQuery.split("&", -1)) {
            int equals = pair.indexOf('=');
            String rawName = equals < 0 ? pair : pair.substring(0, equals);
            Optional<String> fault = faultInComponent(rawName, true, "A query parameter name");
            if (fault.isPresent()) {
                return fault;
            }
            if (equals >= 0) {
                String name = decode(rawName, true);
                fault = faultInComponent(pair.substring(equals + 1), true,
                        "The value of query parameter '" + name + "'");
                if (fault.isPresent()) {
                    return fault;
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<String> faultInComponent(String raw, boolean plusIsSpace, String what) {
        String decoded;
        try {
            decoded = decode(raw, plusIsSpace);
        } catch (MalformedEscape malformed) {
            return Optional.of(what + " " + malformed.getMessage()
                    + ": percent-encode it as UTF-8 (RFC 3986).");
        }
        return decoded.codePoints().filter(MalformedRequestFilter::isControl).boxed().findFirst()
                .map(control -> what + " contains the control character " + codePointName(control)
                        + ", which no parameter of this API accepts.");
    }

    static boolean isControl(int codePoint) {
        return Character.getType(codePoint) == Character.CONTROL;
    }

    static String codePointName(int codePoint) {
        return String.format("U+%04X", codePoint);
    }

    /** Percent-decodes strictly: a broken escape or bytes that are not UTF-8 throw instead of becoming U+FFFD. */
    static String decode(String raw, boolean plusIsSpace) {
        if (raw.indexOf('%') < 0 && !(plusIsSpace && raw.indexOf('+') >= 0)) {
            return raw;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                int high = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
                int low = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 2), 16) : -1;
                if (high < 0 || low < 0) {
                    throw new MalformedEscape("has a '%' that is not followed by two hexadecimal digits");
                }
                bytes.write((high << 4) | low);
                i += 2;
            } else if (c == '+' && plusIsSpace) {
                bytes.write(' ');
            } else {
                // characters the client did not escape: take them as they are, in UTF-8
                int end = Character.isHighSurrogate(c) && i + 1 < raw.length() ? i + 2 : i + 1;
                bytes.writeBytes(raw.substring(i, end).getBytes(StandardCharsets.UTF_8));
                i = end - 1;
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException notUtf8) {
            throw new MalformedEscape("has percent-escaped bytes that are not UTF-8");
        }
    }

    /** A percent-escape that cannot be decoded; its message completes "The URL path ...". */
    static final class MalformedEscape extends IllegalArgumentException {
        MalformedEscape(String message) {
            super(message);
        }
    }
}
