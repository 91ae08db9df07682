-- Teams and their members: the source of truth that Kubernetes namespaces and Keycloak groups are reconciled to.
create table team (
    slug          varchar(32)  primary key check (slug ~ '^[a-z][a-z0-9-]{1,30}[a-z0-9]$'),
    display_name  varchar(100) not null,
    description   varchar(1000) not null default '',
    created_at    timestamptz  not null default now(),
    archived_at   timestamptz
);

create table team_member (
    team_slug     varchar(32)  not null references team (slug) on delete cascade,
    user_subject  varchar(64)  not null,
    username      varchar(255) not null,
    role          varchar(16)  not null check (role in ('owner', 'member', 'viewer')),
    added_at      timestamptz  not null default now(),
    primary key (team_slug, user_subject)
);

create index team_member_by_user on team_member (user_subject);
