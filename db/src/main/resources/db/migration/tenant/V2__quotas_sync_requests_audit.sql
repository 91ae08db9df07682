-- A team's life, quotas per resource and GPU type, the GPU type catalogue, sync status per external system,
-- quota requests and the audit log.

alter table team add column state varchar(16) not null default 'active'
    check (state in ('active', 'archived', 'deleting'));
alter table team add column updated_at timestamptz not null default now();

create table gpu_type (
    name          varchar(63)  primary key,          -- the nvidia.com/gpu.product node label value
    display_name  varchar(100) not null,
    memory_gib    integer      check (memory_gib > 0),
    created_at    timestamptz  not null default now()
);

create table team_quota (
    team_slug      varchar(32) primary key references team (slug) on delete cascade,
    cpu            varchar(32) not null,
    memory         varchar(32) not null,
    storage        varchar(32) not null,
    pvcs           integer     not null check (pvcs >= 0),
    max_notebooks  integer     not null check (max_notebooks >= 0),
    updated_at     timestamptz not null default now()
);

create table team_gpu_quota (
    team_slug  varchar(32) not null references team (slug) on delete cascade,
    gpu_type   varchar(63) not null references gpu_type (name),
    gpus       integer     not null check (gpus >= 0),
    primary key (team_slug, gpu_type)
);

-- What each sync (kubernetes, keycloak) last saw for a team; the team's status is derived from these rows.
create table team_sync_status (
    team_slug    varchar(32) not null references team (slug) on delete cascade,
    sync         varchar(32) not null,
    state        varchar(16) not null check (state in ('pending', 'ready', 'error')),
    message      text        not null default '',
    observed_at  timestamptz not null default now(),
    primary key (team_slug, sync)
);

create table quota_request (
    id                     bigserial    primary key,
    team_slug              varchar(32)  not null references team (slug) on delete cascade,
    requested_by_subject   varchar(64)  not null,
    requested_by_username  varchar(255) not null,
    reason                 varchar(2000) not null,
    requested              jsonb        not null,
    status                 varchar(16)  not null default 'pending' check (status in ('pending', 'approved', 'rejected')),
    decided_by_username    varchar(255),
    decision_reason        varchar(2000),
    created_at             timestamptz  not null default now(),
    decided_at             timestamptz
);
create index quota_request_by_team on quota_request (team_slug, created_at desc);
create index quota_request_pending on quota_request (status) where status = 'pending';

-- One row per mutating call, whatever its outcome. Never updated, never deleted by the application.
create table audit_event (
    id              bigserial    primary key,
    at              timestamptz  not null default now(),
    actor_subject   varchar(64)  not null,
    actor_username  varchar(255) not null,
    team_slug       varchar(32),
    action          varchar(64)  not null,
    target          varchar(255) not null,
    before          jsonb,
    after           jsonb,
    outcome         varchar(16)  not null check (outcome in ('success', 'denied', 'rejected', 'failed')),
    detail          varchar(2000) not null default '',
    request_id      varchar(64)
);
create index audit_event_by_time on audit_event (at desc, id desc);
create index audit_event_by_team on audit_event (team_slug, at desc);

-- The GPU types of the local simulated cluster and of most real ones; admins add or remove others.
insert into gpu_type (name, display_name, memory_gib) values
    ('NVIDIA-H100-80GB-HBM3', 'NVIDIA H100 80GB', 80),
    ('NVIDIA-A100-SXM4-80GB', 'NVIDIA A100 80GB', 80),
    ('Tesla-T4', 'NVIDIA T4 16GB', 16);
