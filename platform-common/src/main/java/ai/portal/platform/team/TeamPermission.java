package ai.portal.platform.team;

/** What an action on a team needs. Platform admins have every permission. */
public enum TeamPermission {
    /** any member, viewers included */
    VIEW,
    /** owners and members: launch, stop and delete workloads */
    EDIT,
    /** owners: members and team settings */
    MANAGE,
    /** platform admins only */
    ADMIN
}
