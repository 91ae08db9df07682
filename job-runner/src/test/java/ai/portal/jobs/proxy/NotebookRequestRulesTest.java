package ai.portal.jobs.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;

/** The proxy's rules for one request that need no cluster: which paths name a notebook, origins, cookies. */
class NotebookRequestRulesTest {

    @Test
    void onlyPathsNamingAValidTeamAndNotebookAreNotebookPaths() {
        assertThat(NotebookPath.parse("/notebooks/vision/nb1/lab")).hasValue(new NotebookPath("vision", "nb1", false));
        assertThat(NotebookPath.parse("/notebooks/vision/nb1/")).hasValue(new NotebookPath("vision", "nb1", false));
        assertThat(NotebookPath.parse("/notebooks/vision/nb1")).hasValue(new NotebookPath("vision", "nb1", true));
        assertThat(NotebookPath.parse("/notebooks/vision")).isEmpty();
        assertThat(NotebookPath.parse("/notebooks/Vision/nb1/lab")).isEmpty();
        assertThat(NotebookPath.parse("/notebooks/vision/..%2f/lab")).isEmpty();
        assertThat(NotebookPath.parse("/api/v1/teams")).isEmpty();
    }

    @Test
    void changesAndSocketsMustComeFromTheProxysOwnOrigin() {
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.HOST, "portal.example.com");
        assertThat(NotebookProxyFilter.sameOrigin("https://portal.example.com", headers)).isTrue();
        assertThat(NotebookProxyFilter.sameOrigin("https://evil.example.com", headers)).isFalse();
        assertThat(NotebookProxyFilter.sameOrigin("https://portal.example.com.evil.io", headers)).isFalse();
        assertThat(NotebookProxyFilter.sameOrigin("null", headers)).isFalse();
        assertThat(NotebookProxyFilter.sameOrigin(null, headers)).isFalse();
        headers.set(HttpHeaders.HOST, "localhost:8082");
        assertThat(NotebookProxyFilter.sameOrigin("http://localhost:8082", headers)).isTrue();
        assertThat(NotebookProxyFilter.sameOrigin("http://localhost:8080", headers)).isFalse();
    }

    @Test
    void theProxysSessionCookieNeverReachesJupyterButJupytersCookiesDo() {
        HttpHeaders headers = new HttpHeaders();
        headers.add(HttpHeaders.COOKIE, "_xsrf=abc; PORTAL_NOTEBOOK_SESSION=s3cret; username-x=1");
        NotebookProxyFilter.withoutCookie(headers, "PORTAL_NOTEBOOK_SESSION");
        assertThat(headers.getFirst(HttpHeaders.COOKIE)).isEqualTo("_xsrf=abc; username-x=1");

        HttpHeaders only = new HttpHeaders();
        only.add(HttpHeaders.COOKIE, "PORTAL_NOTEBOOK_SESSION=s3cret");
        NotebookProxyFilter.withoutCookie(only, "PORTAL_NOTEBOOK_SESSION");
        assertThat(only.containsHeader(HttpHeaders.COOKIE)).isFalse();
    }
}
