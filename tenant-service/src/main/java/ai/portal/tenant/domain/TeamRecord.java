package ai.portal.tenant.domain;

import java.time.Instant;

/** A team's own fields as the database keeps them, without members and quota (see {@link TeamSnapshot}). */
public record TeamRecord(String slug, String displayName, String description, TeamState state, Instant createdAt) {
}
