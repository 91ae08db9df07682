package ai.portal.platform.problem;

import java.sql.SQLException;
import java.util.Optional;

import io.r2dbc.spi.R2dbcException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.util.ClassUtils;

/**
 * The safety net under each service's own validation: when PostgreSQL refuses a value (SQLSTATE class 22, "data
 * exception": too long, out of range, NUL; or a check or not-null constraint), the request carried something the
 * schema does not allow, which is the caller's fault (400), not the server's. A duplicate or a dangling reference
 * (unique or foreign-key violation) is a conflict with the data as it is (409). Anything else stays a 500.
 * The detail never carries the database's own text.
 */
final class StoreRejections {

    private static final boolean R2DBC_PRESENT =
            ClassUtils.isPresent("io.r2dbc.spi.R2dbcException", StoreRejections.class.getClassLoader());

    static Optional<ProblemDetail> problemFor(Throwable failure) {
        String state = sqlStateOf(failure);
        if (state == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(switch (state) {
            case "22001" -> invalid("A value in the request is longer than this API can store.");
            case "22003" -> invalid("A number in the request is out of range.");
            case "22021", "22P05" -> invalid("A value in the request contains characters that cannot be stored.");
            case "23502", "23514" -> invalid("A value in the request is outside what this API allows.");
            case "23505" -> problem(HttpStatus.CONFLICT, "Conflict",
                    "The request would create a duplicate of something that exists already.");
            case "23503" -> problem(HttpStatus.CONFLICT, "Conflict",
                    "The request refers to something that does not exist, or removes something still in use.");
            default -> state.startsWith("22") ? invalid("A value in the request cannot be stored as given.") : null;
        });
    }

    private static ProblemDetail invalid(String detail) {
        return problem(HttpStatus.BAD_REQUEST, "Invalid request", detail);
    }

    private static ProblemDetail problem(HttpStatus status, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        return problem;
    }

    private static String sqlStateOf(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState();
            }
            if (R2DBC_PRESENT) {
                String state = R2dbc.sqlStateOf(cause);
                if (state != null) {
                    return state;
                }
            }
        }
        return null;
    }

    /** Loaded only when R2DBC is on the classpath (not every service uses it). */
    private static final class R2dbc {
        static String sqlStateOf(Throwable failure) {
            return failure instanceof R2dbcException r2dbc ? r2dbc.getSqlState() : null;
        }
    }

    private StoreRejections() {
    }
}
