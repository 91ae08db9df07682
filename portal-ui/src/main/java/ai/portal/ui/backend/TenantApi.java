package ai.portal.ui.backend;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import tools.jackson.databind.JsonNode;

/** tenant-service's payloads as the UI reads and writes them (its OpenAPI at {@code /v3/api-docs} is the contract). */
public final class TenantApi {

    private TenantApi() {
    }

    /** {@code GET /api/v1/me}: the caller, and the teams tenant-service has them in. */
    public record Me(String subject, String username, String name, String email, Set<String> roles,
                     List<Membership> teams) {

        public Me {
            roles = roles == null ? Set.of() : roles;
            teams = teams == null ? List.of() : teams;
        }
    }

    /** One team the caller is in, with their role in it: owner, member or viewer. */
    public record Membership(String slug, String displayName, String role) {
    }

    public record Team(String slug, String displayName, String description, String state, String namespace,
                       TeamStatus status, Instant createdAt, String myRole) {

        public boolean archived() {
            return "archived".equals(state);
        }

        public String phase() {
            return status == null ? "Provisioning" : status.phase();
        }
    }

    public record TeamStatus(String phase, String message, List<SyncStatus> syncs) {
    }

    public record SyncStatus(String sync, String state, String message, Instant observedAt) {
    }

    public record CreateTeam(String slug, String displayName, String description, String owner) {
    }

    public record Member(String subject, String username, String role) {
    }

    /** A team's hard limits; quantities in Kubernetes notation, GPUs per GPU type. */
    public record Quota(String cpu, String memory, String storage, int pvcs, int maxNotebooks,
                        Map<String, Integer> gpus) {

        public Quota {
            gpus = gpus == null ? Map.of() : Map.copyOf(gpus);
        }
    }

    public record ResourceUsage(String resource, String used, String hard) {
    }

    public record GpuUsage(String gpuType, int used, int hard) {
    }

    public record QuotaUsage(List<ResourceUsage> resources, List<GpuUsage> gpus) {

        public QuotaUsage {
            resources = resources == null ? List.of() : resources;
            gpus = gpus == null ? List.of() : gpus;
        }
    }

    public record GpuType(String name, String displayName, Integer memoryGib, Integer capacity) {
    }

    public record NewQuotaRequest(Quota quota, String reason) {
    }

    public record QuotaRequest(long id, String team, String requestedBy, String reason, Quota requested,
                               String status, String decidedBy, String decisionReason, Instant createdAt,
                               Instant decidedAt) {
    }

    /** A request for access to the portal (optionally to a team) by someone signed in without a portal role. */
    public record NewAccessRequest(String reason, String team) {
    }

    /** An admin's grant: the data-scientist role (unless declined), and a membership when a team is named. */
    public record AccessApproval(Boolean grantRole, String team, String teamRole, String reason) {
    }

    public record AccessRequest(long id, String username, String name, String email, String reason, String team,
                                String status, String decidedBy, String decisionReason, String grantedRole,
                                String grantedTeam, String grantedTeamRole, Instant createdAt, Instant decidedAt) {
    }

    public record AuditEvent(long id, Instant at, String actorSubject, String actorUsername, String team,
                             String action, String target, JsonNode before, JsonNode after, String outcome,
                             String detail, String requestId) {
    }

    /** Filters of the audit log; null means "any". Pages count from 0. */
    public record AuditQuery(String team, String actor, String action, Instant from, Instant to, int page,
                             int size) {
    }
}
