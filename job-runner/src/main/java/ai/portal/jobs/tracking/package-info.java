/**
 * Experiment tracking per team: a team owner switches on an MLflow tracking server that runs in the team namespace
 * (store in PostgreSQL, artifacts on a team volume), reached through the authenticated proxy at {@code /mlflow/<team>/}
 * and named to the team's pods in {@code MLFLOW_TRACKING_URI}. See DESIGN.md.
 */
package ai.portal.jobs.tracking;
