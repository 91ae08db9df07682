-- Model deployments, continued (package `serving`): what the cluster's HPA controller did to an autoscaled
-- deployment, kept beyond the life of its Kubernetes events (an hour): each rescale with the size it set and the
-- controller's reason ("cpu resource utilization (percentage of request) above target", "All metrics below
-- target"). Written by the serving reconciler from the HPA's SuccessfulRescale events; read for the deployment's
-- replicas-over-time chart. Gone with the deployment; kept 30 days.
create table model_scaling_event (
    team_slug   varchar(32)  not null,
    deployment  varchar(40)  not null,
    at          timestamptz  not null,
    replicas    integer      not null check (replicas >= 0),
    reason      varchar(512) not null,
    primary key (team_slug, deployment, at, replicas),
    foreign key (team_slug, deployment) references model_deployment (team_slug, name) on delete cascade
);
