package ai.portal.logs.query;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import ai.portal.logs.opensearch.LogIndices;
import ai.portal.logs.record.LogRecord;
import ai.portal.logs.record.LogRecord.Fields;
import org.opensearch.client.json.JsonData;
import org.opensearch.client.opensearch.OpenSearchAsyncClient;
import org.opensearch.client.opensearch._types.FieldSortNumericType;
import org.opensearch.client.opensearch._types.FieldValue;
import org.opensearch.client.opensearch._types.SortOptions;
import org.opensearch.client.opensearch._types.SortOrder;
import org.opensearch.client.opensearch._types.query_dsl.BoolQuery;
import org.opensearch.client.opensearch._types.query_dsl.Operator;
import org.opensearch.client.opensearch._types.query_dsl.Query;
import org.opensearch.client.opensearch.core.SearchRequest;
import org.opensearch.client.opensearch.core.search.Hit;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Searches one namespace's log lines. The namespace is a {@code term} filter in the bool query's filter clause,
 * set from the authorised team only; free text is a {@code simple_query_string} on the {@code log} field alone
 * (no field syntax, no regular expressions, no scripts, bounded length), so nothing a caller types can widen the
 * namespace. Order: {@code @timestamp} then {@code log_id}, which is also the {@code search_after} cursor.
 */
@Component
public class LogSearch {

    /** A position in (timestamp, log id) order; also the SSE event id {@code <epoch nanos>_<log id>}. */
    public record Cursor(long epochNanos, String logId) implements Comparable<Cursor> {

        static Cursor of(Instant time, String logId) {
            return new Cursor(time.getEpochSecond() * 1_000_000_000L + time.getNano(), logId);
        }

        Instant instant() {
            return Instant.ofEpochSecond(Math.floorDiv(epochNanos, 1_000_000_000L), Math.floorMod(epochNanos, 1_000_000_000L));
        }

        String eventId() {
            return epochNanos + "_" + logId;
        }

        String token() {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(eventId().getBytes(StandardCharsets.UTF_8));
        }

        static Cursor parseEventId(String value) {
            int split = value == null ? -1 : value.indexOf('_');
            if (split <= 0) {
                throw new LogQueryExceptions.InvalidFilter("Last-Event-ID", "Not an event id of this stream.");
            }
            try {
                return new Cursor(Long.parseLong(value.substring(0, split)), value.substring(split + 1));
            } catch (NumberFormatException e) {
                throw new LogQueryExceptions.InvalidFilter("Last-Event-ID", "Not an event id of this stream.");
            }
        }

        static Cursor parseToken(String token) {
            try {
                return parseEventId(new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new LogQueryExceptions.InvalidFilter("after", "Not a cursor this API returned.");
            }
        }

        List<FieldValue> searchAfter() {
            return List.of(FieldValue.of(epochNanos), FieldValue.of(logId));
        }

        @Override
        public int compareTo(Cursor other) {
            int byTime = Long.compare(epochNanos, other.epochNanos);
            return byTime != 0 ? byTime : logId.compareTo(other.logId);
        }
    }

    /** A line with its cursor. */
    public record Found(LogLine line, Cursor cursor) {
    }

    private final OpenSearchAsyncClient client;
    private final LogIndices indices;
    private final QueryProperties properties;

    public LogSearch(OpenSearchAsyncClient client, LogIndices indices, QueryProperties properties) {
        this.client = client;
        this.indices = indices;
        this.properties = properties;
    }

    /** Newest first, strictly older than {@code after} when given. */
    public Mono<List<Found>> newest(String namespace, LogFilter filter, Cursor after, int size) {
        return search(namespace, filter, null, after, SortOrder.Desc, size);
    }

    /** Oldest first, from {@code from} (inclusive) and strictly after {@code after} when given. */
    public Mono<List<Found>> oldestFrom(String namespace, LogFilter filter, Instant from, Cursor after, int size) {
        return search(namespace, filter, from, after, SortOrder.Asc, size);
    }

    /**
     * Only the positions (sort values, no documents) of the lines from {@code from} (inclusive) up to {@code upTo}
     * (inclusive), oldest first, strictly after {@code after} when given: what the live tail compares with what it
     * sent, at a fraction of the cost of fetching the lines.
     */
    public Mono<List<Cursor>> positions(String namespace, LogFilter filter, Instant from, Cursor upTo, Cursor after,
                                        int size) {
        SearchRequest request = SearchRequest.of(s -> {
            s.index(indices.readPattern()).ignoreUnavailable(true).allowNoIndices(true)
                    .size(size).trackTotalHits(t -> t.enabled(false)).source(source -> source.fetch(false))
                    .query(query(namespace, filter, from, upTo.instant()))
                    .sort(sort(Fields.TIMESTAMP, SortOrder.Asc, true), sort(Fields.LOG_ID, SortOrder.Asc, false));
            if (after != null) {
                s.searchAfter(after.searchAfter());
            }
            return s;
        });
        return Mono.fromFuture(() -> {
                    try {
                        return client.search(request, LogRecord.class);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                })
                .map(response -> response.hits().hits().stream()
                        .map(hit -> new Cursor(hit.sort().get(0).longValue(), hit.sort().get(1).stringValue()))
                        .filter(position -> position.compareTo(upTo) <= 0)
                        .toList());
    }

    /** The lines with these ids (within the namespace and filter), oldest first. */
    public Mono<List<Found>> byIds(String namespace, LogFilter filter, Instant from, List<String> ids) {
        Query query = Query.of(q -> q.bool(b -> b.filter(query(namespace, filter, from, null))
                .filter(f -> f.terms(t -> t.field(Fields.LOG_ID)
                        .terms(v -> v.value(ids.stream().map(FieldValue::of).toList()))))));
        return search(query, null, SortOrder.Asc, ids.size());
    }

    private Mono<List<Found>> search(String namespace, LogFilter filter, Instant from, Cursor after, SortOrder order,
                                     int size) {
        return search(query(namespace, filter, from, null), after, order, size);
    }

    private Mono<List<Found>> search(Query query, Cursor after, SortOrder order, int size) {
        SearchRequest request = SearchRequest.of(s -> {
            s.index(indices.readPattern()).ignoreUnavailable(true).allowNoIndices(true)
                    .size(size).trackTotalHits(t -> t.enabled(false))
                    .query(query)
                    .sort(sort(Fields.TIMESTAMP, order, true), sort(Fields.LOG_ID, order, false));
            if (after != null) {
                s.searchAfter(after.searchAfter());
            }
            return s;
        });
        return Mono.fromFuture(() -> {
                    try {
                        return client.search(request, LogRecord.class);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                })
                .map(response -> {
                    List<Found> found = new ArrayList<>(response.hits().hits().size());
                    for (Hit<LogRecord> hit : response.hits().hits()) {
                        found.add(toFound(hit));
                    }
                    return found;
                });
    }

    Query query(String namespace, LogFilter filter, Instant from, Instant upTo) {
        BoolQuery.Builder bool = new BoolQuery.Builder();
        bool.filter(term(Fields.NAMESPACE, namespace));
        if (filter.workload() != null) {
            bool.filter(term(Fields.label(properties.workloadLabel()), filter.workload()));
        }
        if (filter.pod() != null) {
            bool.filter(term(Fields.POD, filter.pod()));
        }
        if (filter.container() != null) {
            bool.filter(term(Fields.CONTAINER, filter.container()));
        }
        if (filter.stream() != null) {
            bool.filter(term(Fields.STREAM, filter.stream()));
        }
        if (filter.level() != null) {
            bool.filter(term(Fields.LEVEL, filter.level()));
        }
        Instant lower = later(filter.since(), from);
        if (lower != null || filter.until() != null || upTo != null) {
            bool.filter(q -> q.range(r -> {
                r.field(Fields.TIMESTAMP);
                if (lower != null) {
                    r.gte(JsonData.of(lower.toString()));
                }
                if (filter.until() != null) {
                    r.lt(JsonData.of(filter.until().toString()));
                }
                if (upTo != null) {
                    r.lte(JsonData.of(upTo.toString()));
                }
                return r;
            }));
        }
        if (filter.text() != null) {
            bool.must(q -> q.simpleQueryString(s -> s.query(filter.text()).fields(Fields.LOG)
                    .defaultOperator(Operator.And).lenient(true)
                    .flags(f -> f.multiple("AND|OR|NOT|PHRASE|PRECEDENCE|ESCAPE|WHITESPACE|PREFIX"))));
        }
        return Query.of(q -> q.bool(bool.build()));
    }

    private static Query term(String field, String value) {
        return Query.of(q -> q.term(t -> t.field(field).value(FieldValue.of(value))));
    }

    private static SortOptions sort(String field, SortOrder order, boolean nanos) {
        return SortOptions.of(s -> s.field(f -> {
            f.field(field).order(order);
            if (nanos) {
                f.numericType(FieldSortNumericType.DateNanos);
            }
            return f;
        }));
    }

    private static Instant later(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isAfter(b) ? a : b;
    }

    static Found toFound(Hit<LogRecord> hit) {
        LogLine line = LogLine.of(hit.source(), hit.id());
        List<FieldValue> sort = hit.sort();
        Cursor cursor = sort != null && sort.size() == 2 && sort.get(0).isLong()
                ? new Cursor(sort.get(0).longValue(), sort.get(1).isString() ? sort.get(1).stringValue() : line.id())
                : Cursor.of(line.timestamp(), line.id());
        return new Found(line, cursor);
    }
}
