-- Experiment tracking per team (package `tracking`): a team owner (or a platform admin) switches the team's MLflow
-- tracking server on or off. The row is what the team asked for; what runs is read from the cluster. Switching off
-- keeps the row (enabled = false) and the team's runs: its store in PostgreSQL and its artifact claim stay.
create table team_tracking (
    team_slug   varchar(32)  primary key,
    enabled     boolean      not null,
    updated_at  timestamptz  not null default now(),
    updated_by  varchar(255) not null default ''
);
