-- Model servers' pods are billed like notebooks' and jobs' (package `usage`): their Running intervals name the model
-- deployment instead of a workload. A deployment's row is deleted with it, its intervals are not (last month's
-- report does not change when a team cleans up), so they name it by team and name rather than by a foreign key.
-- A pod's uid is unique in the cluster, so it alone keys an interval.
alter table running_interval drop constraint running_interval_pkey;
alter table running_interval alter column workload_id drop not null;
alter table running_interval add column model_deployment varchar(40);
alter table running_interval add constraint running_interval_of_one
    check ((workload_id is null) <> (model_deployment is null));
alter table running_interval add primary key (pod_uid);
