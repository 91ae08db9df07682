package ai.portal.tenant.identity;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

import ai.portal.tenant.domain.Member;
import ai.portal.tenant.domain.TeamSnapshot;
import ai.portal.tenant.domain.TeamSync;
import jakarta.ws.rs.core.Response;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.GroupRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Keeps each team's two Keycloak groups (see {@link TeamGroup}) equal to the team: level-triggered, it reads what
 * is in Keycloak now and changes only what differs, so it is safe to run twice, concurrently with a person in the
 * admin console, or after a crash half-way, and it repairs whatever was changed by hand.
 */
@Component
public class KeycloakTeamSync implements TeamSync {

    private static final Logger log = LoggerFactory.getLogger(KeycloakTeamSync.class);
    private static final int PAGE = 200;

    private final KeycloakAdmin admin;

    public KeycloakTeamSync(KeycloakAdmin admin) {
        this.admin = admin;
    }

    @Override
    public String name() {
        return "keycloak";
    }

    /**
     * Creates the team's groups where missing, sets the attributes this service owns, then makes each group's
     * members exactly the team's: every missing member is added before anyone is removed, so a role change never
     * leaves a person without access in between. A member whose Keycloak user no longer exists fails the converge
     * with a message naming them, after everything else has been converged.
     */
    @Override
    public Mono<Void> converge(TeamSnapshot team) {
        return admin.run("converge the groups of team " + team.slug(), realm -> {
            convergeBlocking(realm, team);
            return null;
        }).then();
    }

    /** Deletes both groups of the team (their memberships go with them); succeeds when they are already gone. */
    @Override
    public Mono<Void> remove(String slug) {
        return admin.run("remove the groups of team " + slug, realm -> {
            for (String name : TeamGroup.namesOf(slug)) {
                group(realm, name).ifPresent(group -> admin.find("delete group " + name, () -> {
                    realm.groups().group(group.getId()).remove();
                    log.info("Deleted Keycloak group {}", group.getPath());
                    return Boolean.TRUE;
                }));
            }
            return null;
        }).then();
    }

    /**
     * The slug of every team that has a group under the parent group, named as this service names them
     * ({@code team-<slug>} or {@code team-<slug>.viewers}), whoever made it: the resync removes those whose team is
     * not in the database. The slug comes from the name, not the attributes, because {@link #remove} goes by name.
     * Other groups under the parent are left alone.
     */
    @Override
    public Flux<String> managedSlugs() {
        return admin.run("list the team groups", realm -> {
            GroupRepresentation parent = parent(realm);
            Set<String> slugs = new TreeSet<>();
            for (GroupRepresentation child : paged(first -> admin.call("list the groups under " + parent.getPath(),
                    () -> realm.groups().group(parent.getId()).getSubGroups(first, PAGE, true)))) {
                TeamGroup.slugOf(child.getName()).ifPresent(slugs::add);
            }
            return slugs;
        }).flatMapIterable(slugs -> slugs);
    }

    private void convergeBlocking(RealmResource realm, TeamSnapshot team) {
        GroupRepresentation parent = parent(realm);
        Map<String, String> usernames = new HashMap<>();
        for (Member member : team.members()) {
            usernames.put(member.subject(), member.username());
        }

        record Plan(TeamGroup desired, GroupRepresentation group, Set<String> add, Map<String, String> remove) {
        }
        List<Plan> plans = new ArrayList<>();
        for (TeamGroup desired : TeamGroup.desired(team)) {
            GroupRepresentation group = ensureGroup(realm, parent, desired);
            Map<String, String> current = members(realm, group);
            Set<String> add = new LinkedHashSet<>(desired.subjects());
            add.removeAll(current.keySet());
            Map<String, String> remove = new LinkedHashMap<>(current);
            remove.keySet().removeAll(desired.subjects());
            plans.add(new Plan(desired, group, add, remove));
        }

        List<String> missingUsers = new ArrayList<>();
        for (Plan plan : plans) {
            for (String subject : plan.add()) {
                String who = describe(subject, usernames.get(subject));
                try {
                    admin.call("add user " + who + " to group " + plan.desired().name(),
                            () -> realm.users().get(subject).joinGroup(plan.group().getId()));
                    log.info("Added {} to Keycloak group {}", who, plan.group().getPath());
                } catch (KeycloakException e) {
                    if (e.status() == 409) {
                        continue; // made a member meanwhile (a concurrent converge, a person): the goal holds
                    }
                    if (e.status() == 404 && !userExists(realm, subject)) {
                        missingUsers.add(who);
                    } else {
                        throw e;
                    }
                }
            }
        }
        for (Plan plan : plans) {
            plan.remove().forEach((subject, username) -> {
                String who = describe(subject, username);
                // 404: the user was deleted meanwhile, which also ends the membership
                admin.find("remove user " + who + " from group " + plan.desired().name(), () -> {
                    realm.users().get(subject).leaveGroup(plan.group().getId());
                    log.info("Removed {} from Keycloak group {}", who, plan.group().getPath());
                    return Boolean.TRUE;
                });
            });
        }

        if (!missingUsers.isEmpty()) {
            throw new KeycloakException(404, "Keycloak realm " + admin.properties().realm() + " has no user "
                    + String.join(", ", missingUsers) + ", listed as member of team " + team.slug()
                    + ": remove them from the team or restore the user in Keycloak (the team's other members are "
                    + "in sync)", null);
        }
    }

    private GroupRepresentation ensureGroup(RealmResource realm, GroupRepresentation parent, TeamGroup desired) {
        Optional<GroupRepresentation> existing = group(realm, desired.name());
        if (existing.isEmpty()) {
            GroupRepresentation created = new GroupRepresentation();
            created.setName(desired.name());
            created.setDescription(desired.description());
            created.setAttributes(new LinkedHashMap<>(desired.attributes()));
            String action = "create group " + desired.name() + " under " + parent.getPath();
            try (Response response = admin.call(action,
                    () -> realm.groups().group(parent.getId()).subGroup(created))) {
                if (response.getStatus() == 201) {
                    log.info("Created Keycloak group {}/{}", parent.getPath(), desired.name());
                } else if (response.getStatus() != 409) { // 409: made meanwhile by someone else: adopt it
                    throw admin.refused(action, response);
                }
            }
            existing = group(realm, desired.name());
            if (existing.isEmpty()) {
                throw new KeycloakException(0, "Keycloak accepted group " + desired.name() + " under "
                        + parent.getPath() + " but does not show it: it was deleted meanwhile, the next converge "
                        + "creates it again", null);
            }
        }
        GroupRepresentation group = existing.get();
        if (!upToDate(group, desired)) {
            GroupRepresentation update = new GroupRepresentation();
            update.setId(group.getId());
            update.setName(group.getName());
            update.setDescription(desired.description());
            Map<String, List<String>> attributes = new LinkedHashMap<>();
            if (group.getAttributes() != null) {
                attributes.putAll(group.getAttributes());
            }
            attributes.putAll(desired.attributes());
            update.setAttributes(attributes);
            admin.call("update the attributes of group " + desired.name(),
                    () -> realm.groups().group(group.getId()).update(update));
            group.setDescription(update.getDescription());
            group.setAttributes(attributes);
            log.info("Updated the attributes of Keycloak group {}", group.getPath());
        }
        return group;
    }

    private static boolean upToDate(GroupRepresentation group, TeamGroup desired) {
        Map<String, List<String>> attributes = group.getAttributes() == null ? Map.of() : group.getAttributes();
        return Objects.equals(group.getDescription(), desired.description())
                && desired.attributes().entrySet().stream()
                .allMatch(e -> e.getValue().equals(attributes.get(e.getKey())));
    }

    private GroupRepresentation parent(RealmResource realm) {
        String path = admin.properties().parentPath();
        return admin.find("read group " + path, () -> realm.getGroupByPath(path))
                .orElseThrow(() -> new KeycloakException(404, "Keycloak realm " + admin.properties().realm()
                        + " has no group " + path + " to keep team groups under: create it (it comes with "
                        + "infra/keycloak/portal-realm.json) or set portal.identity.parent-group", null));
    }

    private Optional<GroupRepresentation> group(RealmResource realm, String name) {
        String path = admin.properties().parentPath() + "/" + name;
        return admin.find("read group " + path, () -> realm.getGroupByPath(path));
    }

    /** The group's members: subject → username. */
    private Map<String, String> members(RealmResource realm, GroupRepresentation group) {
        Map<String, String> members = new LinkedHashMap<>();
        for (UserRepresentation user : paged(first -> admin.call("list the members of group " + group.getName(),
                () -> realm.groups().group(group.getId()).members(first, PAGE, true)))) {
            members.put(user.getId(), user.getUsername());
        }
        return members;
    }

    private boolean userExists(RealmResource realm, String subject) {
        return admin.find("look up user " + subject, () -> realm.users().get(subject).toRepresentation()).isPresent();
    }

    private static <T> List<T> paged(Function<Integer, List<T>> page) {
        List<T> all = new ArrayList<>();
        for (int first = 0; ; first += PAGE) {
            List<T> items = page.apply(first);
            all.addAll(items);
            if (items.size() < PAGE) {
                return all;
            }
        }
    }

    private static String describe(String subject, String username) {
        return username == null ? subject : username + " (" + subject + ")";
    }
}
