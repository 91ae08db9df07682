package ai.portal.ui.backend;

import java.util.List;
import java.util.Map;

import ai.portal.ui.backend.TenantApi.AccessApproval;
import ai.portal.ui.backend.TenantApi.AccessRequest;
import ai.portal.ui.backend.TenantApi.AuditEvent;
import ai.portal.ui.backend.TenantApi.AuditQuery;
import ai.portal.ui.backend.TenantApi.CreateTeam;
import ai.portal.ui.backend.TenantApi.GpuType;
import ai.portal.ui.backend.TenantApi.Me;
import ai.portal.ui.backend.TenantApi.Member;
import ai.portal.ui.backend.TenantApi.NewAccessRequest;
import ai.portal.ui.backend.TenantApi.NewQuotaRequest;
import ai.portal.ui.backend.TenantApi.Quota;
import ai.portal.ui.backend.TenantApi.QuotaRequest;
import ai.portal.ui.backend.TenantApi.QuotaUsage;
import ai.portal.ui.backend.TenantApi.Team;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.web.client.RestClient;
import org.springframework.web.util.UriBuilder;

/** tenant-service, as the UI uses it: every call with the signed-in user's token, every failure a {@link BackendException}. */
public class TenantClient {

    private final RestClient rest;

    TenantClient(RestClient rest) {
        this.rest = rest;
    }

    public Me me() {
        return get(Me.class, "/api/v1/me");
    }

    public List<Team> teams() {
        return list(new ParameterizedTypeReference<>() { }, "/api/v1/teams");
    }

    public Team team(String slug) {
        return get(Team.class, "/api/v1/teams/{slug}", slug);
    }

    public Team createTeam(CreateTeam team) {
        return Calls.call(Backend.TENANT, () -> rest.post().uri("/api/v1/teams").body(team).retrieve().body(Team.class));
    }

    public Team archive(String slug, boolean archived) {
        String action = archived ? "archive" : "unarchive";
        return Calls.call(Backend.TENANT, () -> rest.post().uri("/api/v1/teams/{slug}/" + action, slug)
                .retrieve().body(Team.class));
    }

    public Team deleteTeam(String slug, boolean force) {
        return Calls.call(Backend.TENANT, () -> rest.delete()
                .uri(uri -> uri.path("/api/v1/teams/{slug}").queryParam("force", force).build(slug))
                .retrieve().body(Team.class));
    }

    public List<Member> members(String slug) {
        return list(new ParameterizedTypeReference<>() { }, "/api/v1/teams/{slug}/members", slug);
    }

    public Member addMember(String slug, String username, String role) {
        return Calls.call(Backend.TENANT, () -> rest.post().uri("/api/v1/teams/{slug}/members", slug)
                .body(Map.of("username", username, "role", role)).retrieve().body(Member.class));
    }

    public Member changeRole(String slug, String username, String role) {
        return Calls.call(Backend.TENANT, () -> rest.put().uri("/api/v1/teams/{slug}/members/{user}", slug, username)
                .body(Map.of("role", role)).retrieve().body(Member.class));
    }

    public void removeMember(String slug, String username) {
        Calls.run(Backend.TENANT, () -> rest.delete().uri("/api/v1/teams/{slug}/members/{user}", slug, username)
                .retrieve().toBodilessEntity());
    }

    public Quota quota(String slug) {
        return get(Quota.class, "/api/v1/teams/{slug}/quota", slug);
    }

    public Quota setQuota(String slug, Quota quota, boolean force) {
        return Calls.call(Backend.TENANT, () -> rest.put()
                .uri(uri -> uri.path("/api/v1/teams/{slug}/quota").queryParam("force", force).build(slug))
                .body(quota).retrieve().body(Quota.class));
    }

    public QuotaUsage usage(String slug) {
        return get(QuotaUsage.class, "/api/v1/teams/{slug}/quota/usage", slug);
    }

    public List<GpuType> gpuTypes() {
        return list(new ParameterizedTypeReference<>() { }, "/api/v1/gpu-types");
    }

    public GpuType addGpuType(GpuType type, boolean force) {
        return Calls.call(Backend.TENANT, () -> rest.post()
                .uri(uri -> uri.path("/api/v1/gpu-types").queryParam("force", force).build())
                .body(type).retrieve().body(GpuType.class));
    }

    public void removeGpuType(String name) {
        Calls.run(Backend.TENANT, () -> rest.delete().uri("/api/v1/gpu-types/{name}", name)
                .retrieve().toBodilessEntity());
    }

    public List<QuotaRequest> quotaRequests(String slug) {
        return list(new ParameterizedTypeReference<>() { }, "/api/v1/teams/{slug}/quota-requests", slug);
    }

    public QuotaRequest requestQuota(String slug, NewQuotaRequest request) {
        return Calls.call(Backend.TENANT, () -> rest.post().uri("/api/v1/teams/{slug}/quota-requests", slug)
                .body(request).retrieve().body(QuotaRequest.class));
    }

    /** Every team's requests with a status (pending, approved, rejected): platform admins only. */
    public List<QuotaRequest> quotaRequestsWithStatus(String status) {
        return Calls.call(Backend.TENANT, () -> rest.get()
                .uri(uri -> uri.path("/api/v1/quota-requests").queryParam("status", status).build())
                .retrieve().body(new ParameterizedTypeReference<List<QuotaRequest>>() { }));
    }

    public QuotaRequest decide(long id, boolean approve, String reason) {
        String action = approve ? "approve" : "reject";
        return Calls.call(Backend.TENANT, () -> rest.post().uri("/api/v1/quota-requests/{id}/" + action, id)
                .body(Map.of("reason", reason == null ? "" : reason)).retrieve().body(QuotaRequest.class));
    }

    /** The caller's own access requests, newest first (anyone signed in, portal role or not). */
    public List<AccessRequest> myAccessRequests() {
        return list(new ParameterizedTypeReference<>() { }, "/api/v1/me/access-requests");
    }

    public AccessRequest requestAccess(NewAccessRequest request) {
        return Calls.call(Backend.TENANT, () -> rest.post().uri("/api/v1/me/access-requests")
                .body(request).retrieve().body(AccessRequest.class));
    }

    public AccessRequest withdrawAccessRequest(long id) {
        return Calls.call(Backend.TENANT, () -> rest.delete().uri("/api/v1/me/access-requests/{id}", id)
                .retrieve().body(AccessRequest.class));
    }

    /** Everyone's access requests with a status (pending, approved, rejected, withdrawn): platform admins only. */
    public List<AccessRequest> accessRequestsWithStatus(String status) {
        return Calls.call(Backend.TENANT, () -> rest.get()
                .uri(uri -> uri.path("/api/v1/access-requests").queryParam("status", status).build())
                .retrieve().body(new ParameterizedTypeReference<List<AccessRequest>>() { }));
    }

    public AccessRequest approveAccess(long id, AccessApproval approval) {
        return Calls.call(Backend.TENANT, () -> rest.post().uri("/api/v1/access-requests/{id}/approve", id)
                .body(approval).retrieve().body(AccessRequest.class));
    }

    public AccessRequest rejectAccess(long id, String reason) {
        return Calls.call(Backend.TENANT, () -> rest.post().uri("/api/v1/access-requests/{id}/reject", id)
                .body(Map.of("reason", reason)).retrieve().body(AccessRequest.class));
    }

    public List<AuditEvent> audit(AuditQuery query) {
        return Calls.call(Backend.TENANT, () -> rest.get().uri(uri -> auditUri(uri, query))
                .retrieve().body(new ParameterizedTypeReference<List<AuditEvent>>() { }));
    }

    private static java.net.URI auditUri(UriBuilder uri, AuditQuery query) {
        uri.path("/api/v1/audit").queryParam("page", query.page()).queryParam("size", query.size());
        if (query.team() != null) {
            uri.queryParam("team", query.team());
        }
        if (query.actor() != null) {
            uri.queryParam("actor", query.actor());
        }
        if (query.action() != null) {
            uri.queryParam("action", query.action());
        }
        if (query.from() != null) {
            uri.queryParam("from", query.from().toString());
        }
        if (query.to() != null) {
            uri.queryParam("to", query.to().toString());
        }
        return uri.build();
    }

    private <T> T get(Class<T> type, String path, Object... variables) {
        return Calls.call(Backend.TENANT, () -> rest.get().uri(path, variables).retrieve().body(type));
    }

    private <T> List<T> list(ParameterizedTypeReference<List<T>> type, String path, Object... variables) {
        List<T> items = Calls.call(Backend.TENANT, () -> rest.get().uri(path, variables).retrieve().body(type));
        return items == null ? List.of() : items;
    }
}
