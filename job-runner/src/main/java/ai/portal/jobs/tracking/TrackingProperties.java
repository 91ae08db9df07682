package ai.portal.jobs.tracking;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How a team's MLflow tracking server runs ({@code portal.tracking.*}).
 *
 * @param image        the MLflow image; the local cluster's process runtime runs it from a cached virtualenv
 * @param cpu          CPU request of the server's pod (counted in the team's quota)
 * @param memory       memory request and limit: one gunicorn worker with the UI needs about 0.5 GiB
 * @param storage      size of the team's artifact claim
 * @param databaseHost where the server's pod reaches PostgreSQL (application.yaml: the job runner's database host)
 * @param databasePort its port
 * @param databaseName the database holding the teams' schemas: the one whose {@code portal_admin} function makes
 *                     them, the job runner's own
 */
@ConfigurationProperties("portal.tracking")
public record TrackingProperties(@DefaultValue("ghcr.io/mlflow/mlflow:v3.17.2") String image,
                                 @DefaultValue("250m") String cpu,
                                 @DefaultValue("1Gi") String memory,
                                 @DefaultValue("10Gi") String storage,
                                 @DefaultValue("127.0.0.1") String databaseHost,
                                 @DefaultValue("5432") int databasePort,
                                 @DefaultValue("portal") String databaseName) {
}
