/**
 * Model serving: a team's registered MLflow model version deployed as an inference service (Deployment, Service,
 * PodDisruptionBudget in the team namespace), listed from the team's registry, reached through the job runner's
 * gateway at {@code /models/<team>/<name>/}. See DESIGN.md.
 */
package ai.portal.jobs.serving;
