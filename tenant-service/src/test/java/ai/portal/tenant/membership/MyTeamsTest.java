package ai.portal.tenant.membership;

import java.util.List;

import ai.portal.testing.Tokens;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

/** {@code GET /api/v1/me} lists the teams tenant-service's database has the caller in, whatever the token says. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class MyTeamsTest {

    private static final Tokens TOKENS = Tokens.fromTestStack();

    @Autowired
    DatabaseClient db;

    @Value("${local.server.port}")
    int port;

    WebTestClient client;

    @BeforeEach
    void bindClient() {
        client = WebTestClient.bindToServer().baseUrl("http://localhost:" + port)
                .responseTimeout(java.time.Duration.ofSeconds(30)).build();
        removeTestTeams();
    }

    @AfterEach
    void removeTestTeams() {
        db.sql("delete from team where slug like 'mytest-%'").then().block();
    }

    @Test
    void listsTheTeamsTheCallerIsAMemberOfWithTheirRole() {
        String token = TOKENS.userToken("bob");
        String bob = Tokens.claims(token).path("sub").asString();
        addTeam("mytest-vision", "Computer Vision");
        addTeam("mytest-nlp", "Language Models");
        addTeam("mytest-other", "Someone else's team");
        addMember("mytest-vision", bob, "bob", "owner");
        addMember("mytest-nlp", bob, "bob", "viewer");

        client.get().uri("/api/v1/me").headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.teams[?(@.slug =~ /mytest-.*/)].slug").isEqualTo(List.of("mytest-nlp", "mytest-vision"))
                .jsonPath("$.teams[?(@.slug == 'mytest-nlp')].role").isEqualTo(List.of("viewer"))
                .jsonPath("$.teams[?(@.slug == 'mytest-vision')].displayName").isEqualTo(List.of("Computer Vision"))
                .jsonPath("$.teams[?(@.slug == 'mytest-vision')].role").isEqualTo(List.of("owner"));
    }

    @Test
    void leavesOutArchivedTeams() {
        String token = TOKENS.userToken("bob");
        String bob = Tokens.claims(token).path("sub").asString();
        addTeam("mytest-old", "Old project");
        addMember("mytest-old", bob, "bob", "member");
        db.sql("update team set state = 'archived', archived_at = now() where slug = 'mytest-old'").then().block();

        client.get().uri("/api/v1/me").headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.teams[?(@.slug == 'mytest-old')]").doesNotExist();
    }

    private void addTeam(String slug, String name) {
        db.sql("insert into team (slug, display_name) values (:slug, :name)")
                .bind("slug", slug).bind("name", name).then().block();
    }

    private void addMember(String slug, String subject, String username, String role) {
        db.sql("insert into team_member (team_slug, user_subject, username, role) values (:slug, :sub, :user, :role)")
                .bind("slug", slug).bind("sub", subject).bind("user", username).bind("role", role).then().block();
    }
}
