package ai.portal.jobs.live;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.portal.jobs.status.WorkloadView;
import ai.portal.platform.problem.ApiException;
import ai.portal.platform.security.CurrentUser;
import ai.portal.platform.team.TeamAuthorizer;
import ai.portal.platform.team.TeamPermission;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

@RestController
@Tag(name = "live", description = "Server-sent events of a team's workload changes")
class LiveController {

    private final LiveFeeds feeds;
    private final TeamAuthorizer authorizer;
    private final Duration heartbeat;
    private final Duration recheck;

    LiveController(LiveFeeds feeds, TeamAuthorizer authorizer,
                   @Value("${portal.jobs.live.heartbeat:15s}") Duration heartbeat,
                   @Value("${portal.jobs.live.access-recheck:30s}") Duration recheck) {
        this.feeds = feeds;
        this.authorizer = authorizer;
        this.heartbeat = heartbeat;
        this.recheck = recheck;
    }

    @GetMapping(path = "/api/v1/teams/{team}/workloads/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @Operation(summary = "The team's workloads, live (text/event-stream)",
            description = "A comment at once, then a 'snapshot' event (every workload), then 'workload' events (one "
                    + "workload that changed, with its status) and 'removed' events ({\"name\": ...}); a comment "
                    + "heartbeat every 15 s. Access is checked again every 30 s: a member removed from the team gets "
                    + "a 'denied' event and the stream ends.")
    Flux<ServerSentEvent<Object>> stream(@AuthenticationPrincipal Jwt token, @PathVariable String team) {
        CurrentUser caller = CurrentUser.from(token);
        return authorizer.require(caller, team, TeamPermission.VIEW).flatMapMany(granted -> {
            Sent sent = new Sent();
            Flux<ServerSentEvent<Object>> changes = feeds.feed(team).concatMapIterable(views -> diff(sent, views));
            // clock ticks a slow client or a slow check cannot take are dropped, not an overflow ending the stream
            Flux<ServerSentEvent<Object>> beats = Flux.interval(heartbeat).onBackpressureDrop()
                    .map(tick -> ServerSentEvent.builder().comment("heartbeat").build());
            Flux<ServerSentEvent<Object>> denied = Flux.interval(recheck).onBackpressureDrop()
                    .concatMap(tick -> authorizer.require(caller, team, TeamPermission.VIEW)
                            .then(Mono.<ServerSentEvent<Object>>empty())
                            .onErrorResume(ApiException.class, refused -> Mono.just(ServerSentEvent.builder()
                                    .event("denied").data((Object) Map.of("detail", String.valueOf(
                                            refused.getBody().getDetail()))).build())))
                    .take(1);
            return Flux.merge(changes, beats, denied)
                    .takeUntil(event -> "denied".equals(event.event()))
                    .startWith(ServerSentEvent.builder().comment("connected").build());
        });
    }

    /** What one stream has sent so far. */
    private static final class Sent {
        boolean snapshot;
        final Map<String, WorkloadView> views = new HashMap<>();
    }

    /** What changed since the last list this stream sent: a snapshot first, then one event per change. */
    private static List<ServerSentEvent<Object>> diff(Sent sent, List<WorkloadView> views) {
        List<ServerSentEvent<Object>> events = new ArrayList<>();
        if (!sent.snapshot) {
            sent.snapshot = true;
            views.forEach(view -> sent.views.put(view.name(), view));
            events.add(ServerSentEvent.builder().event("snapshot").data((Object) views).build());
            return events;
        }
        Set<String> present = new HashSet<>();
        for (WorkloadView view : views) {
            present.add(view.name());
            if (!view.equals(sent.views.put(view.name(), view))) {
                events.add(ServerSentEvent.builder().event("workload").id(view.team() + "/" + view.name())
                        .data((Object) view).build());
            }
        }
        for (String name : Set.copyOf(sent.views.keySet())) {
            if (!present.contains(name)) {
                sent.views.remove(name);
                events.add(ServerSentEvent.builder().event("removed").data((Object) Map.of("name", name)).build());
            }
        }
        return events;
    }
}
