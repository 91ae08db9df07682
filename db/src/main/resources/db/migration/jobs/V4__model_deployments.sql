-- Model deployments (package `serving`): a team's registered MLflow model version served as an inference service.
-- The row is what the team asked for; the Deployment, Service and PodDisruptionBudget `portal-model-<name>` in the
-- team namespace follow it, and their status is read from the cluster. Deleting a deployment deletes its row.
create table model_deployment (
    team_slug   varchar(32)  not null,
    name        varchar(40)  not null,
    model       varchar(256) not null,
    version     integer      not null check (version > 0),
    replicas    integer      not null check (replicas > 0),
    cpu         varchar(32)  not null,
    memory      varchar(32)  not null,
    created_at  timestamptz  not null default now(),
    created_by  varchar(255) not null default '',
    primary key (team_slug, name)
);
