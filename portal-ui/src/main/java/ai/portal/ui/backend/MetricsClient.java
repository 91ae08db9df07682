package ai.portal.ui.backend;

import ai.portal.ui.backend.MetricsApi.ChartQuery;
import ai.portal.ui.backend.MetricsApi.FleetNow;
import ai.portal.ui.backend.MetricsApi.SeriesPage;
import org.springframework.web.client.RestClient;
import org.springframework.web.util.UriBuilder;

/** GPU metrics (logging-pipeline's {@code gpu-metrics} endpoints), as the GPU panels use them. */
public class MetricsClient {

    private final RestClient rest;

    MetricsClient(RestClient rest) {
        this.rest = rest;
    }

    /** One series per GPU of the workload's pods and signal. */
    public SeriesPage workload(String team, String workload, ChartQuery query) {
        return Calls.call(Backend.METRICS, () -> rest.get().uri(uri -> chart(uri.path(
                        "/api/v1/teams/{team}/workloads/{workload}/gpu-metrics"), query).build(team, workload))
                .retrieve().body(SeriesPage.class));
    }

    /** The cluster's GPUs by GPU type over time (platform admins). */
    public SeriesPage fleet(ChartQuery query) {
        return Calls.call(Backend.METRICS, () -> rest.get().uri(uri -> chart(uri.path("/api/v1/gpu-metrics/fleet"),
                query).build()).retrieve().body(SeriesPage.class));
    }

    /** The cluster's GPUs now, with how many allocated ones are idle (platform admins). */
    public FleetNow fleetNow() {
        return Calls.call(Backend.METRICS, () -> rest.get().uri("/api/v1/gpu-metrics/fleet/current").retrieve()
                .body(FleetNow.class));
    }

    private static UriBuilder chart(UriBuilder uri, ChartQuery query) {
        if (query.range() != null) {
            uri.queryParam("range", query.range());
        }
        if (query.points() != null) {
            uri.queryParam("points", query.points());
        }
        if (query.signals() != null && !query.signals().isEmpty()) {
            uri.queryParam("signals", String.join(",", query.signals()));
        }
        return uri;
    }
}
