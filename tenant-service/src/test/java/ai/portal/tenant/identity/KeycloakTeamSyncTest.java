package ai.portal.tenant.identity;

import static ai.portal.tenant.identity.KeycloakFixture.group;
import static ai.portal.tenant.identity.KeycloakFixture.memberUsernames;
import static ai.portal.tenant.identity.KeycloakFixture.realm;
import static ai.portal.tenant.identity.KeycloakFixture.subjectOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import ai.portal.platform.team.TeamRole;
import ai.portal.tenant.domain.Member;
import ai.portal.tenant.domain.Quota;
import ai.portal.tenant.domain.TeamSnapshot;
import ai.portal.tenant.domain.TeamState;
import ai.portal.testing.Tokens;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.representations.idm.GroupRepresentation;
import tools.jackson.databind.JsonNode;

/** {@link KeycloakTeamSync} against the real Keycloak of the test stack, with real user tokens. */
class KeycloakTeamSyncTest {

    private static final Tokens TOKENS = Tokens.fromTestStack();
    private static String alice;
    private static String bob;
    private static String carol;

    private final KeycloakTeamSync sync = new KeycloakTeamSync(KeycloakFixture.ADMIN, KeycloakFixture.INSTANCE);
    private final List<String> slugs = new ArrayList<>();

    @BeforeAll
    static void users() {
        alice = subjectOf("alice");
        bob = subjectOf("bob");
        carol = subjectOf("carol");
    }

    @AfterEach
    void removeTestGroups() {
        slugs.forEach(slug -> sync.remove(slug).block());
    }

    private TeamSnapshot team(Member... members) {
        String slug = KeycloakFixture.uniqueSlug();
        slugs.add(slug);
        return team(slug, members);
    }

    private static TeamSnapshot team(String slug, Member... members) {
        return new TeamSnapshot(slug, "Test " + slug, "identity test", TeamState.ACTIVE, Quota.DEFAULT,
                Arrays.asList(members));
    }

    private static TeamSnapshot withMembers(TeamSnapshot team, Member... members) {
        return team(team.slug(), members);
    }

    private static Member member(String subject, String username, TeamRole role) {
        return new Member(subject, username, role);
    }

    private static List<String> groupsClaim(String username) {
        JsonNode groups = Tokens.claims(TOKENS.userToken(username)).path("groups");
        List<String> names = new ArrayList<>();
        groups.forEach(node -> names.add(node.asString()));
        return names;
    }

    @Test
    void convergeCreatesBothGroupsWithTheTeamsMembers() {
        TeamSnapshot team = team(member(alice, "alice", TeamRole.OWNER), member(carol, "carol", TeamRole.MEMBER),
                member(bob, "bob", TeamRole.VIEWER));

        sync.converge(team).block();

        assertThat(memberUsernames("team-" + team.slug())).containsExactlyInAnyOrder("alice", "carol");
        assertThat(memberUsernames("team-" + team.slug() + ".viewers")).containsExactly("bob");
        GroupRepresentation editors = group("team-" + team.slug()).orElseThrow();
        assertThat(editors.getPath()).isEqualTo("/teams/team-" + team.slug());
        assertThat(editors.getAttributes())
                .containsEntry("portal.ai/team", List.of(team.slug()))
                .containsEntry("portal.ai/managed-by", List.of("tenant-service"))
                .containsEntry("portal.ai/instance", List.of(KeycloakFixture.INSTANCE))
                .containsEntry("portal.ai/display-name", List.of("Test " + team.slug()))
                .containsEntry("portal.ai/access", List.of("edit"));
        assertThat(group("team-" + team.slug() + ".viewers").orElseThrow().getAttributes())
                .containsEntry("portal.ai/access", List.of("view"));
    }

    @Test
    void membersNextTokenCarriesTheTeamGroupAndViewersTheViewersGroup() {
        TeamSnapshot team = team(member(alice, "alice", TeamRole.MEMBER), member(bob, "bob", TeamRole.VIEWER));

        sync.converge(team).block();

        assertThat(groupsClaim("alice")).contains("/teams/team-" + team.slug())
                .doesNotContain("/teams/team-" + team.slug() + ".viewers");
        assertThat(groupsClaim("bob")).contains("/teams/team-" + team.slug() + ".viewers")
                .doesNotContain("/teams/team-" + team.slug());
    }

    @Test
    void changingAMembersRoleMovesThemBetweenTheGroups() {
        TeamSnapshot team = team(member(alice, "alice", TeamRole.OWNER), member(bob, "bob", TeamRole.VIEWER));
        sync.converge(team).block();

        sync.converge(withMembers(team, member(alice, "alice", TeamRole.VIEWER), member(bob, "bob", TeamRole.OWNER)))
                .block();

        assertThat(memberUsernames("team-" + team.slug())).containsExactly("bob");
        assertThat(memberUsernames("team-" + team.slug() + ".viewers")).containsExactly("alice");
        assertThat(groupsClaim("alice")).contains("/teams/team-" + team.slug() + ".viewers")
                .doesNotContain("/teams/team-" + team.slug());
    }

    @Test
    void removingAMemberFromTheTeamRemovesThemFromItsGroup() {
        TeamSnapshot team = team(member(alice, "alice", TeamRole.OWNER), member(carol, "carol", TeamRole.MEMBER));
        sync.converge(team).block();

        sync.converge(withMembers(team, member(alice, "alice", TeamRole.OWNER))).block();

        assertThat(memberUsernames("team-" + team.slug())).containsExactly("alice");
        assertThat(groupsClaim("carol")).doesNotContain("/teams/team-" + team.slug());
    }

    @Test
    void convergeRestoresAMemberRemovedByHandAndRemovesOneAddedByHand() {
        TeamSnapshot team = team(member(alice, "alice", TeamRole.OWNER));
        sync.converge(team).block();
        String groupId = group("team-" + team.slug()).orElseThrow().getId();
        realm().users().get(alice).leaveGroup(groupId);
        realm().users().get(carol).joinGroup(groupId);
        assertThat(memberUsernames("team-" + team.slug())).containsExactly("carol");

        sync.converge(team).block();

        assertThat(memberUsernames("team-" + team.slug())).containsExactly("alice");
    }

    @Test
    void convergeRecreatesGroupsDeletedByHand() {
        TeamSnapshot team = team(member(alice, "alice", TeamRole.OWNER), member(bob, "bob", TeamRole.VIEWER));
        sync.converge(team).block();
        for (String name : TeamGroup.namesOf(team.slug())) {
            realm().groups().group(group(name).orElseThrow().getId()).remove();
        }

        sync.converge(team).block();

        assertThat(memberUsernames("team-" + team.slug())).containsExactly("alice");
        assertThat(memberUsernames("team-" + team.slug() + ".viewers")).containsExactly("bob");
    }

    @Test
    void convergeRestoresAttributesEditedByHandAndKeepsOthersAdded() {
        TeamSnapshot team = team(member(alice, "alice", TeamRole.OWNER));
        sync.converge(team).block();
        GroupRepresentation edited = group("team-" + team.slug()).orElseThrow();
        Map<String, List<String>> attributes = new java.util.LinkedHashMap<>(edited.getAttributes());
        attributes.put("portal.ai/team", List.of("someone-else"));
        attributes.remove("portal.ai/access");
        attributes.put("note", List.of("hand-made"));
        edited.setAttributes(attributes);
        realm().groups().group(edited.getId()).update(edited);

        sync.converge(team).block();

        assertThat(group("team-" + team.slug()).orElseThrow().getAttributes())
                .containsEntry("portal.ai/team", List.of(team.slug()))
                .containsEntry("portal.ai/managed-by", List.of("tenant-service"))
                .containsEntry("note", List.of("hand-made"));
    }

    @Test
    void convergingTwiceChangesNothing() {
        TeamSnapshot team = team(member(alice, "alice", TeamRole.OWNER), member(bob, "bob", TeamRole.VIEWER));
        sync.converge(team).block();
        GroupRepresentation editors = group("team-" + team.slug()).orElseThrow();
        GroupRepresentation viewers = group("team-" + team.slug() + ".viewers").orElseThrow();

        sync.converge(team).block();

        assertThat(group("team-" + team.slug()).orElseThrow()).usingRecursiveComparison().isEqualTo(editors);
        assertThat(group("team-" + team.slug() + ".viewers").orElseThrow()).usingRecursiveComparison()
                .isEqualTo(viewers);
        assertThat(memberUsernames("team-" + team.slug())).containsExactly("alice");
        assertThat(memberUsernames("team-" + team.slug() + ".viewers")).containsExactly("bob");
        assertThat(realm().groups().group(realm().getGroupByPath("/teams").getId())
                .getSubGroups("team-" + team.slug(), false, 0, 10, true))
                .extracting(GroupRepresentation::getName)
                .containsExactlyInAnyOrder("team-" + team.slug(), "team-" + team.slug() + ".viewers");
    }

    @Test
    void concurrentConvergesOfOneTeamEndInTheSameGroups() {
        TeamSnapshot team = team(member(alice, "alice", TeamRole.OWNER), member(bob, "bob", TeamRole.VIEWER));

        reactor.core.publisher.Flux.merge(sync.converge(team), sync.converge(team), sync.converge(team))
                .then().block();

        assertThat(memberUsernames("team-" + team.slug())).containsExactly("alice");
        assertThat(memberUsernames("team-" + team.slug() + ".viewers")).containsExactly("bob");
    }

    @Test
    void removeDeletesBothGroupsAndTheirMembershipsLeaveTheNextToken() {
        TeamSnapshot team = team(member(alice, "alice", TeamRole.OWNER), member(bob, "bob", TeamRole.VIEWER));
        sync.converge(team).block();

        sync.remove(team.slug()).block();

        assertThat(group("team-" + team.slug())).isEmpty();
        assertThat(group("team-" + team.slug() + ".viewers")).isEmpty();
        assertThat(groupsClaim("alice")).doesNotContain("/teams/team-" + team.slug());
    }

    @Test
    void removeSucceedsWhenTheGroupsAreAlreadyGone() {
        String slug = KeycloakFixture.uniqueSlug();

        sync.remove(slug).block();
        sync.remove(slug).block();

        assertThat(group("team-" + slug)).isEmpty();
    }

    @Test
    void listsTheTeamsOfItsOwnGroupsOnlyNeverAGroupMadeByHandOrByAnotherInstallation() {
        TeamSnapshot team = team(member(alice, "alice", TeamRole.OWNER));
        sync.converge(team).block();
        String handMade = KeycloakFixture.uniqueSlug();
        slugs.add(handMade);
        createGroup("team-" + handMade + ".viewers", Map.of());
        String theirs = KeycloakFixture.uniqueSlug();
        KeycloakTeamSync otherInstallation = new KeycloakTeamSync(KeycloakFixture.ADMIN, "other-installation");
        otherInstallation.converge(team(theirs, member(bob, "bob", TeamRole.OWNER))).block();

        try {
            assertThat(sync.managedSlugs().collectList().block()).contains(team.slug())
                    .doesNotContain(handMade, theirs);
            assertThat(otherInstallation.managedSlugs().collectList().block()).contains(theirs)
                    .doesNotContain(team.slug(), handMade);
        } finally {
            otherInstallation.remove(theirs).block();
            realm().groups().group(group("team-" + handMade + ".viewers").orElseThrow().getId()).remove();
        }
    }

    @Test
    void refusesToTakeOverAGroupOfAnotherInstallationAndRemovingTheTeamLeavesItAsItWas() {
        String slug = KeycloakFixture.uniqueSlug();
        KeycloakTeamSync otherInstallation = new KeycloakTeamSync(KeycloakFixture.ADMIN, "other-installation");
        otherInstallation.converge(team(slug, member(bob, "bob", TeamRole.OWNER))).block();
        try {
            assertThatThrownBy(() -> sync.converge(team(slug, member(alice, "alice", TeamRole.OWNER))).block())
                    .isInstanceOf(KeycloakException.class)
                    .hasMessageContaining("belongs to another AI Portal installation")
                    .hasMessageContaining("portal.ai/instance=other-installation");
            sync.remove(slug).block(); // not this installation's: nothing of its team to delete

            assertThat(memberUsernames("team-" + slug)).containsExactly("bob");
            assertThat(group("team-" + slug).orElseThrow().getAttributes())
                    .containsEntry("portal.ai/instance", List.of("other-installation"));
        } finally {
            otherInstallation.remove(slug).block();
        }
    }

    @Test
    void refusesAGroupOfTheSameNameMadeByHand() {
        String slug = KeycloakFixture.uniqueSlug();
        slugs.add(slug);
        createGroup("team-" + slug, Map.of("note", List.of("made by a person")));
        try {
            assertThatThrownBy(() -> sync.converge(team(slug, member(alice, "alice", TeamRole.OWNER))).block())
                    .isInstanceOf(KeycloakException.class)
                    .hasMessageContaining("was not made by AI Portal installation " + KeycloakFixture.INSTANCE);
            assertThat(memberUsernames("team-" + slug)).isEmpty();
        } finally {
            realm().groups().group(group("team-" + slug).orElseThrow().getId()).remove();
        }
    }

    private static void createGroup(String name, Map<String, List<String>> attributes) {
        GroupRepresentation group = new GroupRepresentation();
        group.setName(name);
        group.setAttributes(attributes);
        realm().groups().group(realm().getGroupByPath("/teams").getId()).subGroup(group).close();
    }

    @Test
    void convergeNamesAMemberWhoDoesNotExistInKeycloakAndStillConvergesTheOthers() {
        String ghost = UUID.randomUUID().toString();
        TeamSnapshot team = team(member(alice, "alice", TeamRole.OWNER), member(ghost, "ghost", TeamRole.MEMBER));

        assertThatThrownBy(() -> sync.converge(team).block())
                .isInstanceOf(KeycloakException.class)
                .hasMessageContaining("no user ghost (" + ghost + ")")
                .hasMessageContaining("team " + team.slug())
                .satisfies(e -> assertThat(((KeycloakException) e).status()).isEqualTo(404));
        assertThat(memberUsernames("team-" + team.slug())).containsExactly("alice");
    }

    @Test
    void reportsAWrongClientSecretAsSomethingToFix() {
        try (Keycloak wrong = IdentityConfiguration.newKeycloak(KeycloakFixture.properties("not-the-secret"))) {
            KeycloakTeamSync misconfigured = new KeycloakTeamSync(
                    new KeycloakAdmin(wrong, KeycloakFixture.properties("not-the-secret")), KeycloakFixture.INSTANCE);
            String slug = KeycloakFixture.uniqueSlug();

            assertThatThrownBy(() -> misconfigured.converge(team(slug)).block())
                    .isInstanceOf(KeycloakException.class)
                    .hasMessageContaining("Keycloak refused to")
                    .hasMessageContaining("401")
                    .hasMessageContaining("TENANT_ADMIN_CLIENT_SECRET");
            assertThat(group("team-" + slug)).isEmpty();
        }
    }

    @Test
    void reportsAnUnreachableKeycloakWithItsAddress() {
        IdentityProperties nowhere = KeycloakFixture.properties("http://127.0.0.1:9", "x");
        try (Keycloak unreachable = IdentityConfiguration.newKeycloak(nowhere)) {
            KeycloakTeamSync sync = new KeycloakTeamSync(new KeycloakAdmin(unreachable, nowhere), "nowhere");

            assertThatThrownBy(() -> sync.remove("nothing").block())
                    .isInstanceOf(KeycloakException.class)
                    .hasMessageContaining("Keycloak at http://127.0.0.1:9 could not be reached")
                    .satisfies(e -> assertThat(((KeycloakException) e).transientFailure()).isTrue());
        }
    }

    @Test
    void callsKeycloakOffTheCallersThread() {
        String caller = Thread.currentThread().getName();
        Set<String> threads = new java.util.concurrent.ConcurrentSkipListSet<>();

        KeycloakFixture.ADMIN.run("read the realm", realm -> threads.add(Thread.currentThread().getName())).block();

        // "boundedElastic-n", or "loomBoundedElastic-n" once a Spring context in this JVM enabled virtual threads
        assertThat(threads).singleElement().asString().containsIgnoringCase("boundedElastic").isNotEqualTo(caller);
    }
}
