package ai.portal.jobs.serving;

import java.util.List;

import ai.portal.jobs.serving.ModelRegistry.RegisteredModel;
import ai.portal.platform.security.CurrentUser;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

@RestController
@RequestMapping("/api/v1/teams/{team}")
@Tag(name = "models", description = "Model serving: a team's registered models deployed as inference services")
class ServingController {

    private final ServingService serving;

    ServingController(ServingService serving) {
        this.serving = serving;
    }

    @GetMapping("/models")
    @Operation(summary = "The team's registered models and their versions, from its MLflow registry",
            description = "Owners, members and viewers of the team, and platform admins; 404 for anyone else. 409 "
                    + "while the team's experiment tracking is off (the registry is its tracking server's), and while "
                    + "the tracking server is starting.")
    Mono<List<RegisteredModel>> models(@AuthenticationPrincipal Jwt token, @PathVariable String team) {
        return serving.models(CurrentUser.from(token), team);
    }

    @GetMapping("/model-deployments")
    @Operation(summary = "The team's model deployments with their status",
            description = "`status.state` is starting, serving (with the version the Ready replicas serve) or failing "
                    + "(and why), from the cluster's pods.")
    Flux<ModelDeploymentView> list(@AuthenticationPrincipal Jwt token, @PathVariable String team) {
        return serving.list(CurrentUser.from(token), team);
    }

    @GetMapping("/model-deployments/{name}")
    @Operation(summary = "One model deployment with its status")
    Mono<ModelDeploymentView> get(@AuthenticationPrincipal Jwt token, @PathVariable String team,
                                  @PathVariable String name) {
        return serving.get(CurrentUser.from(token), team, name);
    }

    @PostMapping("/model-deployments")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Deploy a registered model version as an inference service (owners, members)",
            description = "Runs `mlflow models serve` for the version as a Deployment with a Service and a "
                    + "PodDisruptionBudget in the team's namespace, inside its quota. The model answers at "
                    + "`invocationsPath` (`/models/<team>/<name>/invocations`) behind the gateway's sign-in, for the "
                    + "team's members and viewers. `autoscaling` instead of `replicas`: a HorizontalPodAutoscaler "
                    + "(autoscaling/v2) beside the Deployment, acted on by the cluster's HPA controller, between "
                    + "`minReplicas` and `maxReplicas` on any of: `cpuUtilization` and `memoryUtilization` (% of the "
                    + "requests; Resource metrics), `requestsPerSecond` per replica (an Object metric on the "
                    + "deployment's Service: the gateway's rate for the deployment, divided by the replicas), "
                    + "`gpuUtilization` (% , a Pods metric from DCGM, only for deployments with GPUs: a Resource "
                    + "metric `nvidia.com/gpu` is not valid Kubernetes, Resource metrics are CPU and memory only). "
                    + "`status` says how many replicas serve, `autoscalingStatus` what the controller reads and "
                    + "wants, in words (\"at max replicas\", \"metric unavailable: …\"). 400 for bad input (a name "
                    + "that is not a DNS label, replicas, CPU, memory or autoscaling out of range, `replicas` with "
                    + "`autoscaling`, a GPU target without GPUs), 404 for a model or version the registry does not "
                    + "have, 409 for a name taken, tracking off, an archived team or one beyond what its quota has "
                    + "left, 422 for a `maxReplicas` its whole quota could never hold; 403 for viewers. Nothing is "
                    + "created when refused.")
    Mono<ModelDeploymentView> deploy(@AuthenticationPrincipal Jwt token, @PathVariable String team,
                                     @RequestBody(required = false) DeployRequest request) {
        return serving.deploy(CurrentUser.from(token), team, request);
    }

    @DeleteMapping("/model-deployments/{name}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Delete a model deployment (owners, members)",
            description = "Deletes its HorizontalPodAutoscaler, Deployment, Service and PodDisruptionBudget and the "
                    + "row. The registered model "
                    + "stays in the registry.")
    Mono<Void> delete(@AuthenticationPrincipal Jwt token, @PathVariable String team, @PathVariable String name) {
        return serving.delete(CurrentUser.from(token), team, name);
    }

    @PatchMapping("/model-deployments/{name}")
    @Operation(summary = "Roll out another model version, change the rate limit, the replicas or autoscaling "
            + "(owners, members)",
            description = "`version`: a rolling update of the same Deployment; every replica keeps serving until its "
                    + "successor is Ready (`maxUnavailable` 0, one surge replica, which must fit in the team's "
                    + "quota). `status.servingVersions` and `status.rollout` say how far it is and, when stuck, why "
                    + "(quota, no node, a server that fails to start or to pass its readiness check). The version "
                    + "served before is kept for `POST …/rollback`. `rateLimit`: requests per second per caller, "
                    + "applied at once. `autoscaling`: switches autoscaling on or replaces its policy (the whole "
                    + "block; see the deploy operation); the HPA controller owns the replica count from then on and "
                    + "the portal no longer sets it. `replicas`: a fixed count, which switches autoscaling off (the "
                    + "HPA is deleted). Not both. `cpu`, `memory`, `gpus`, `gpuType`: a new size per replica, rolled "
                    + "out like a new version (`gpus` 0 is CPU serving; a count alone keeps the GPU type; a GPU "
                    + "utilisation target needs GPUs). 400 bad input, 404 a version the registry does not have, 409 beyond "
                    + "what the quota has left or an archived team, 422 a `maxReplicas` beyond the whole quota; 403 "
                    + "for viewers. Audited as `model.update`.")
    Mono<ModelDeploymentView> update(@AuthenticationPrincipal Jwt token, @PathVariable String team,
                                     @PathVariable String name,
                                     @RequestBody(required = false) DeploymentUpdate request) {
        return serving.update(CurrentUser.from(token), team, name, request);
    }

    @PostMapping("/model-deployments/{name}/rollback")
    @Operation(summary = "Roll back to the version served before the last rollout (owners, members)",
            description = "A rollout like any other (so it can itself be rolled back). 409 when the deployment has "
                    + "served only one version. Audited as `model.rollback`.")
    Mono<ModelDeploymentView> rollback(@AuthenticationPrincipal Jwt token, @PathVariable String team,
                                       @PathVariable String name) {
        return serving.rollback(CurrentUser.from(token), team, name);
    }
}
