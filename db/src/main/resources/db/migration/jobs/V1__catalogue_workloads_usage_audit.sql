-- The job runner's own state: the image catalogue, platform settings, every notebook and training job launched
-- (the desired state Kubernetes is converged to), what happened to each (status timeline and admission decisions),
-- the Running intervals usage is computed from, and the audit log.

create table image (
    id            varchar(40)   primary key,          -- a slug users and the API name the image by
    reference     varchar(500)  not null unique,      -- registry/repository:tag (or @digest)
    display_name  varchar(100)  not null,
    description   varchar(1000) not null default '',
    for_notebooks boolean       not null,
    for_jobs      boolean       not null,
    cuda          boolean       not null,             -- built for NVIDIA GPUs
    enabled       boolean       not null default true,
    created_at    timestamptz   not null default now(),
    updated_at    timestamptz   not null default now(),
    check (for_notebooks or for_jobs)
);

-- Platform settings an admin changes through the API (key -> JSON value).
create table setting (
    key         varchar(64)  primary key,
    value       jsonb        not null,
    updated_at  timestamptz  not null default now(),
    updated_by  varchar(255) not null default ''
);

-- One row per notebook or job ever launched. The row is written first; Kubernetes follows it. A deleted workload
-- keeps its row (usage and history refer to it) with deleted_at set, so its name can be used again.
create table workload (
    id              uuid          primary key,
    team_slug       varchar(32)   not null,
    name            varchar(40)   not null,
    kind            varchar(16)   not null check (kind in ('notebook', 'job')),
    owner_subject   varchar(64)   not null,
    owner_username  varchar(255)  not null,
    spec            jsonb         not null,            -- the validated launch request
    desired         varchar(16)   not null check (desired in ('running', 'stopped', 'cancelled', 'deleted')),
    delete_workspace boolean      not null default false,
    -- uid of the Job or StatefulSet once created: a row without it was never applied (e.g. a crash right after the
    -- insert) and is created by the reconciler; a row with it whose object vanished is not silently re-run
    object_uid      varchar(64),
    created_at      timestamptz   not null default now(),
    updated_at      timestamptz   not null default now(),
    deleted_at      timestamptz
);
create unique index workload_live_name on workload (team_slug, name) where deleted_at is null;
create index workload_by_team on workload (team_slug, created_at desc);
create index workload_by_owner on workload (owner_subject, created_at desc);

-- What happened to a workload, in order: phase changes (the status timeline) and the queue's decisions
-- (admitted, waiting and why, preempted by whom, evicted). Written by the replica that holds the lease.
create table workload_event (
    id           bigserial     primary key,
    workload_id  uuid          not null references workload (id) on delete cascade,
    at           timestamptz   not null default now(),
    type         varchar(32)   not null,               -- phase, admitted, waiting, preempted, evicted, requeued, finished
    phase        varchar(16),
    reason       varchar(64)   not null default '',
    message      varchar(2000) not null default '',
    -- identifies one observation (e.g. the condition's type, status and lastTransitionTime) so that a restart or
    -- a second look never records the same decision twice
    dedup_key    varchar(200)  not null,
    unique (workload_id, dedup_key)
);
create index workload_event_by_workload on workload_event (workload_id, at, id);

-- One row per stretch of time a workload's pod ran. Usage (GPU-, CPU-, memory-seconds) is the sum of these.
create table running_interval (
    workload_id     uuid          not null references workload (id) on delete cascade,
    pod_uid         varchar(64)   not null,
    started_at      timestamptz   not null,
    ended_at        timestamptz,                      -- null while running
    last_seen_at    timestamptz   not null,           -- bounds an interval whose end was missed (crash, lost pod)
    team_slug       varchar(32)   not null,
    owner_subject   varchar(64)   not null,
    owner_username  varchar(255)  not null,
    gpu_type        varchar(63)   not null default '',
    gpus            integer       not null check (gpus >= 0),
    cpu_millis      bigint        not null check (cpu_millis >= 0),
    memory_bytes    bigint        not null check (memory_bytes >= 0),
    primary key (workload_id, pod_uid)
);
create index running_interval_open on running_interval (workload_id) where ended_at is null;
create index running_interval_by_time on running_interval (started_at, ended_at);

-- One row per mutating call, whatever its outcome (same shape as tenant-service's). Never updated or deleted.
create table audit_event (
    id              bigserial     primary key,
    at              timestamptz   not null default now(),
    actor_subject   varchar(64)   not null,
    actor_username  varchar(255)  not null,
    team_slug       varchar(32),
    action          varchar(64)   not null,
    target          varchar(255)  not null,
    before          jsonb,
    after           jsonb,
    outcome         varchar(16)   not null check (outcome in ('success', 'denied', 'rejected', 'failed')),
    detail          varchar(2000) not null default '',
    request_id      varchar(64)
);
create index audit_event_by_time on audit_event (at desc, id desc);
create index audit_event_by_team on audit_event (team_slug, at desc);

insert into image (id, reference, display_name, description, for_notebooks, for_jobs, cuda) values
    ('scipy', 'quay.io/jupyter/scipy-notebook:2025-11-10', 'Python SciPy (CPU)',
     'Jupyter''s SciPy stack: NumPy, pandas, scikit-learn, matplotlib.', true, true, false),
    ('pytorch-cuda12', 'quay.io/jupyter/pytorch-notebook:cuda12-2025-11-10', 'PyTorch (CUDA 12)',
     'PyTorch built for NVIDIA GPUs with CUDA 12, on the SciPy stack.', true, true, true),
    ('tensorflow-cuda', 'quay.io/jupyter/tensorflow-notebook:cuda-2025-11-10', 'TensorFlow (CUDA)',
     'TensorFlow built for NVIDIA GPUs, on the SciPy stack.', true, true, true);

insert into setting (key, value, updated_by) values ('allow-custom-images', 'false', 'migration');
