package ai.portal.ui.backend;

import java.util.List;

import ai.portal.ui.backend.JobsApi.Capacity;
import ai.portal.ui.backend.JobsApi.Check;
import ai.portal.ui.backend.JobsApi.Detail;
import ai.portal.ui.backend.JobsApi.Image;
import ai.portal.ui.backend.JobsApi.LaunchNotebook;
import ai.portal.ui.backend.JobsApi.SubmitJob;
import ai.portal.ui.backend.JobsApi.Workload;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.web.client.RestClient;

/** job-runner, as the UI uses it: notebooks, jobs, their detail, the image catalogue, what a team can launch. */
public class JobsClient {

    private static final ParameterizedTypeReference<List<Workload>> WORKLOADS = new ParameterizedTypeReference<>() { };

    private final RestClient rest;

    JobsClient(RestClient rest) {
        this.rest = rest;
    }

    /**
     * Whether the running job runner offers notebooks and jobs at all: an older one answers its catalogue with 404.
     * Views then say "not available yet" instead of showing an error.
     */
    public boolean offersWorkloads() {
        try {
            images();
            return true;
        } catch (BackendException failure) {
            if (failure.status() == 404) {
                return false;
            }
            throw failure;
        }
    }

    public List<Workload> workloads(String team) {
        return orEmpty(Calls.call(Backend.JOBS, () -> rest.get().uri("/api/v1/teams/{team}/workloads", team)
                .retrieve().body(WORKLOADS)));
    }

    public List<Workload> notebooks(String team) {
        return orEmpty(Calls.call(Backend.JOBS, () -> rest.get().uri("/api/v1/teams/{team}/notebooks", team)
                .retrieve().body(WORKLOADS)));
    }

    public List<Workload> jobs(String team) {
        return orEmpty(Calls.call(Backend.JOBS, () -> rest.get().uri("/api/v1/teams/{team}/jobs", team)
                .retrieve().body(WORKLOADS)));
    }

    public Detail detail(String team, String name) {
        return Calls.call(Backend.JOBS, () -> rest.get().uri("/api/v1/teams/{team}/workloads/{name}", team, name)
                .retrieve().body(Detail.class));
    }

    public Capacity capacity(String team) {
        return Calls.call(Backend.JOBS, () -> rest.get().uri("/api/v1/teams/{team}/capacity", team)
                .retrieve().body(Capacity.class));
    }

    public List<Image> images() {
        return orEmpty(Calls.call(Backend.JOBS, () -> rest.get().uri("/api/v1/images")
                .retrieve().body(new ParameterizedTypeReference<List<Image>>() { })));
    }

    public Check checkNotebook(String team, LaunchNotebook notebook) {
        return Calls.call(Backend.JOBS, () -> rest.post()
                .uri(uri -> uri.path("/api/v1/teams/{team}/notebooks").queryParam("dryRun", true).build(team))
                .body(notebook).retrieve().body(Check.class));
    }

    public Workload launchNotebook(String team, LaunchNotebook notebook) {
        return Calls.call(Backend.JOBS, () -> rest.post().uri("/api/v1/teams/{team}/notebooks", team)
                .body(notebook).retrieve().body(Workload.class));
    }

    public Workload stopNotebook(String team, String name) {
        return action("/api/v1/teams/{team}/notebooks/{name}/stop", team, name);
    }

    public Workload startNotebook(String team, String name) {
        return action("/api/v1/teams/{team}/notebooks/{name}/start", team, name);
    }

    public void deleteNotebook(String team, String name, boolean deleteWorkspace) {
        Calls.run(Backend.JOBS, () -> rest.delete().uri(uri -> uri.path("/api/v1/teams/{team}/notebooks/{name}")
                .queryParam("deleteWorkspace", deleteWorkspace).build(team, name)).retrieve().toBodilessEntity());
    }

    public Check checkJob(String team, SubmitJob job) {
        return Calls.call(Backend.JOBS, () -> rest.post()
                .uri(uri -> uri.path("/api/v1/teams/{team}/jobs").queryParam("dryRun", true).build(team))
                .body(job).retrieve().body(Check.class));
    }

    public Workload submitJob(String team, SubmitJob job) {
        return Calls.call(Backend.JOBS, () -> rest.post().uri("/api/v1/teams/{team}/jobs", team)
                .body(job).retrieve().body(Workload.class));
    }

    public Workload cancelJob(String team, String name) {
        return action("/api/v1/teams/{team}/jobs/{name}/cancel", team, name);
    }

    public void deleteJob(String team, String name) {
        Calls.run(Backend.JOBS, () -> rest.delete().uri("/api/v1/teams/{team}/jobs/{name}", team, name)
                .retrieve().toBodilessEntity());
    }

    private Workload action(String path, String team, String name) {
        return Calls.call(Backend.JOBS, () -> rest.post().uri(path, team, name).retrieve().body(Workload.class));
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
