-- Model deployments, continued (package `serving`): API keys for machine clients, a rate limit per caller, and the
-- version served before the current one (rollback).
--
-- A key is shown once when created and stored only as the SHA-256 of the whole key: the key is 256 random bits, so
-- no password-style slow hash is needed (nothing to guess), and the gateway checks it on every request with one
-- indexed lookup. `prefix` (the key's first characters) lets people tell their keys apart in a list. A revoked key
-- keeps its row (who created and revoked it stays readable) and is refused from then on. Deleting a deployment
-- deletes its keys: a deployment created again under the same name gets none of the old ones.
alter table model_deployment
    add column rate_limit       integer not null default 20 check (rate_limit > 0),
    add column previous_version integer check (previous_version > 0),
    add column updated_at       timestamptz not null default now(),
    add column updated_by       varchar(255) not null default '';

create table model_api_key (
    id           uuid         primary key,
    team_slug    varchar(32)  not null,
    deployment   varchar(40)  not null,
    name         varchar(64)  not null,
    prefix       varchar(16)  not null,
    key_hash     bytea        not null unique,
    created_at   timestamptz  not null default now(),
    created_by   varchar(255) not null default '',
    last_used_at timestamptz,
    revoked_at   timestamptz,
    revoked_by   varchar(255),
    foreign key (team_slug, deployment) references model_deployment (team_slug, name) on delete cascade
);
create index model_api_key_deployment on model_api_key (team_slug, deployment);
