package ai.portal.tenant.identity;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

import ai.portal.tenant.domain.TeamSnapshot;
import ai.portal.tenant.domain.TeamSync;
import ai.portal.tenant.identity.GroupChanges.AttributeUpdate;
import ai.portal.tenant.identity.GroupChanges.Membership;
import ai.portal.tenant.identity.GroupChanges.ObservedGroup;
import jakarta.ws.rs.core.Response;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.GroupRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Keeps each team's two Keycloak groups (see {@link TeamGroup}) equal to the team: level-triggered, it reads what
 * is in Keycloak now and changes only what differs, so it is safe to run twice, concurrently with a person in the
 * admin console, or after a crash half-way, and it repairs whatever was changed by hand.
 */
public class KeycloakTeamSync implements TeamSync {

    private static final Logger log = LoggerFactory.getLogger(KeycloakTeamSync.class);
    private static final int PAGE = 200;

    private final KeycloakAdmin admin;
    private final String instance;

    /** The sync of installation {@code instance}: it creates, changes and deletes only groups that carry its id. */
    public KeycloakTeamSync(KeycloakAdmin admin, String instance) {
        this.admin = admin;
        this.instance = instance;
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

    /**
     * Deletes both groups of the team (their memberships go with them); succeeds when they are already gone. A group of
     * that name that is not this installation's is left alone: there is nothing of this team in it.
     */
    @Override
    public Mono<Void> remove(String slug) {
        return admin.run("remove the groups of team " + slug, realm -> {
            for (String name : TeamGroup.namesOf(slug)) {
                group(realm, name).filter(group -> {
                            if (!isOurs(group)) {
                                log.info("Keycloak group {} is not this installation's; leaving it alone", name);
                            }
                            return isOurs(group);
                        })
                        .ifPresent(group -> admin.find("delete group " + name, () -> {
                            realm.groups().group(group.getId()).remove();
                            log.info("Deleted Keycloak group {}", group.getPath());
                            return Boolean.TRUE;
                        }));
            }
            return null;
        }).then();
    }

    /**
     * The slug of every team that has a group of this installation under the parent group (named as this service
     * names them, {@code team-<slug>} or {@code team-<slug>.viewers}, and carrying this installation's id): the
     * resync removes those whose team is not in the database. Groups of other installations, and groups made by
     * hand, are never listed, so never removed.
     */
    @Override
    public Flux<String> managedSlugs() {
        return admin.run("list the team groups", realm -> {
            GroupRepresentation parent = parent(realm);
            Set<String> slugs = new TreeSet<>();
            for (GroupRepresentation child : paged(first -> admin.call("list the groups under " + parent.getPath(),
                    () -> realm.groups().group(parent.getId()).getSubGroups(first, PAGE, false)))) {
                if (isOurs(child)) {
                    TeamGroup.slugOf(child.getName()).ifPresent(slugs::add);
                }
            }
            return slugs;
        }).flatMapIterable(slugs -> slugs);
    }

    /** Reads the groups (creating missing ones), asks {@link GroupChanges} what differs, and changes that. */
    private void convergeBlocking(RealmResource realm, TeamSnapshot team) {
        GroupRepresentation parent = parent(realm);
        List<TeamGroup> desired = TeamGroup.desired(team, instance);
        Map<String, ObservedGroup> observed = new LinkedHashMap<>();
        for (TeamGroup group : desired) {
            GroupRepresentation found = requireOurs(existingOrCreated(realm, parent, group), "take it over");
            observed.put(group.name(), observe(realm, found));
        }
        Map<String, String> usernames = new HashMap<>();
        team.members().forEach(member -> usernames.put(member.subject(), member.username()));
        GroupChanges changes = GroupChanges.between(desired, observed, usernames);

        for (AttributeUpdate update : changes.updates()) {
            GroupRepresentation written = new GroupRepresentation();
            written.setId(update.group().id());
            written.setName(update.group().name());
            written.setDescription(update.description());
            written.setAttributes(update.attributes());
            admin.call("update the attributes of group " + update.group().name(),
                    () -> realm.groups().group(update.group().id()).update(written));
            log.info("Updated the attributes of Keycloak group {}", update.group().path());
        }
        List<String> missingUsers = new ArrayList<>();
        for (Membership add : changes.additions()) {
            try {
                admin.call("add user " + add.who() + " to group " + add.group().name(),
                        () -> realm.users().get(add.subject()).joinGroup(add.group().id()));
                log.info("Added {} to Keycloak group {}", add.who(), add.group().path());
            } catch (KeycloakException e) {
                if (e.status() == 409) {
                    continue; // made a member meanwhile (a concurrent converge, a person): the goal holds
                }
                if (e.status() == 404 && !userExists(realm, add.subject())) {
                    missingUsers.add(add.who());
                } else {
                    throw e;
                }
            }
        }
        for (Membership remove : changes.removals()) {
            // 404: the user was deleted meanwhile, which also ends the membership
            admin.find("remove user " + remove.who() + " from group " + remove.group().name(), () -> {
                realm.users().get(remove.subject()).leaveGroup(remove.group().id());
                log.info("Removed {} from Keycloak group {}", remove.who(), remove.group().path());
                return Boolean.TRUE;
            });
        }

        if (!missingUsers.isEmpty()) {
            throw new KeycloakException(404, "Keycloak realm " + admin.properties().realm() + " has no user "
                    + String.join(", ", missingUsers) + ", listed as member of team " + team.slug()
                    + ": remove them from the team or restore the user in Keycloak (the team's other members are "
                    + "in sync)", null);
        }
    }

    /** The group, created with its description and attributes when missing (a 409 means made meanwhile: adopted). */
    private GroupRepresentation existingOrCreated(RealmResource realm, GroupRepresentation parent, TeamGroup desired) {
        Optional<GroupRepresentation> existing = group(realm, desired.name());
        if (existing.isPresent()) {
            return existing.get();
        }
        GroupRepresentation created = new GroupRepresentation();
        created.setName(desired.name());
        created.setDescription(desired.description());
        created.setAttributes(new LinkedHashMap<>(desired.attributes()));
        String action = "create group " + desired.name() + " under " + parent.getPath();
        try (Response response = admin.call(action, () -> realm.groups().group(parent.getId()).subGroup(created))) {
            if (response.getStatus() == 201) {
                log.info("Created Keycloak group {}/{}", parent.getPath(), desired.name());
            } else if (response.getStatus() != 409) {
                throw admin.refused(action, response);
            }
        }
        return group(realm, desired.name()).orElseThrow(() -> new KeycloakException(0, "Keycloak accepted group "
                + desired.name() + " under " + parent.getPath() + " but does not show it: it was deleted meanwhile, "
                + "the next converge creates it again", null));
    }

    private boolean isOurs(GroupRepresentation group) {
        return TeamGroup.installationOf(group.getAttributes()).filter(instance::equals).isPresent();
    }

    /** The group when it carries this installation's id; refused otherwise, so no other group is adopted or deleted. */
    private GroupRepresentation requireOurs(GroupRepresentation group, String refusedAction) {
        if (isOurs(group)) {
            return group;
        }
        String path = group.getPath() == null ? group.getName() : group.getPath();
        throw new KeycloakException(409, TeamGroup.installationOf(group.getAttributes())
                .map(other -> "Keycloak group " + path + " belongs to another AI Portal installation ("
                        + TeamGroup.INSTANCE_ATTRIBUTE + "=" + other + "); refusing to " + refusedAction
                        + ": choose another slug, or remove the team from that installation")
                .orElse("Keycloak group " + path + " exists and was not made by AI Portal installation " + instance
                        + " (no " + TeamGroup.INSTANCE_ATTRIBUTE + " attribute); refusing to " + refusedAction), null);
    }

    private ObservedGroup observe(RealmResource realm, GroupRepresentation group) {
        Map<String, String> members = new LinkedHashMap<>();
        for (UserRepresentation user : paged(first -> admin.call("list the members of group " + group.getName(),
                () -> realm.groups().group(group.getId()).members(first, PAGE, true)))) {
            members.put(user.getId(), user.getUsername());
        }
        return new ObservedGroup(group.getId(), group.getName(), group.getPath(), group.getDescription(),
                group.getAttributes() == null ? Map.of() : group.getAttributes(), members);
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
}
