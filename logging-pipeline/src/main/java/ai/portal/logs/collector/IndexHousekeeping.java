package ai.portal.logs.collector;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;

import ai.portal.logs.opensearch.LogIndices;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What must be true in OpenSearch before and while lines are shipped: the index template is in place before the
 * first bulk (or the first daily index would get dynamic mappings), and daily indices past the retention are
 * deleted once an hour where no ISM policy does it. Shippers ask {@link #ready()} before each bulk.
 */
final class IndexHousekeeping {

    private static final Logger log = LoggerFactory.getLogger(IndexHousekeeping.class);
    private static final Duration RETENTION_EVERY = Duration.ofHours(1);
    private static final Duration RETENTION_RETRY = Duration.ofMinutes(1);

    private final LogIndices indices;
    private boolean templateReady;
    private Instant nextRetention = Instant.EPOCH;

    IndexHousekeeping(LogIndices indices) {
        this.indices = indices;
    }

    /** Whether lines may be shipped; throws when the template could not be put (retry later). */
    synchronized void ready() throws IOException {
        if (!templateReady) {
            indices.ensureTemplateAndPolicy();
            templateReady = true;
        }
        Instant now = Instant.now();
        if (now.isAfter(nextRetention)) {
            nextRetention = now.plus(RETENTION_EVERY);
            try {
                indices.deleteExpired(now);
            } catch (IOException | RuntimeException e) {
                nextRetention = now.plus(RETENTION_RETRY);
                log.debug("Retention check failed; tried again later", e);
            }
        }
    }
}
