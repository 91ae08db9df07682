-- A platform admin's idle-culling limits for one team, where they differ from the platform's (`setting`): a team
-- doing long interactive GPU work gets longer limits, a crowded one shorter. A column left null follows the
-- platform's value; no row means the team follows the platform entirely.
create table team_idle_limits (
    team_slug                        varchar(32)  primary key,
    notebook_idle_limit_seconds      bigint       check (notebook_idle_limit_seconds between 60 and 2592000),
    gpu_notebook_idle_limit_seconds  bigint       check (gpu_notebook_idle_limit_seconds between 60 and 2592000),
    max_idle_extension_seconds       bigint       check (max_idle_extension_seconds between 0 and 2592000),
    updated_at                       timestamptz  not null default now(),
    updated_by                       varchar(255) not null default ''
);
