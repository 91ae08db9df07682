package ai.portal.jobs.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import ai.portal.platform.team.TeamPermission;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;

class MlflowRequestRulesTest {

    @Test
    void readsAndMlflowsSearchesNeedViewChangesNeedEdit() {
        assertThat(MlflowProxyFilter.need(HttpMethod.GET, "/api/2.0/mlflow/experiments/get-by-name"))
                .isEqualTo(TeamPermission.VIEW);
        assertThat(MlflowProxyFilter.need(HttpMethod.GET, "/")).isEqualTo(TeamPermission.VIEW);
        assertThat(MlflowProxyFilter.need(HttpMethod.POST, "/api/2.0/mlflow/runs/search"))
                .isEqualTo(TeamPermission.VIEW);
        assertThat(MlflowProxyFilter.need(HttpMethod.POST, "/ajax-api/2.0/mlflow/experiments/search"))
                .isEqualTo(TeamPermission.VIEW);
        assertThat(MlflowProxyFilter.need(HttpMethod.POST, "/api/2.0/mlflow/runs/create"))
                .isEqualTo(TeamPermission.EDIT);
        assertThat(MlflowProxyFilter.need(HttpMethod.POST, "/api/2.0/mlflow/runs/search/../delete"))
                .isEqualTo(TeamPermission.EDIT);
        assertThat(MlflowProxyFilter.need(HttpMethod.DELETE, "/api/2.0/mlflow/experiments/delete"))
                .isEqualTo(TeamPermission.EDIT);
        assertThat(MlflowProxyFilter.need(HttpMethod.PATCH, "/api/2.0/mlflow/registered-models/update"))
                .isEqualTo(TeamPermission.EDIT);
        assertThat(MlflowProxyFilter.need(HttpMethod.PUT, "/api/2.0/mlflow-artifacts/artifacts/x"))
                .isEqualTo(TeamPermission.EDIT);
    }
}
