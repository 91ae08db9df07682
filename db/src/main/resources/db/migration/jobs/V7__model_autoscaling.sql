-- Model deployments, continued (package `serving`): autoscaling. A deployment either has a fixed replica count
-- (`replicas`, autoscaling columns null) or a HorizontalPodAutoscaler between `min_replicas` and `max_replicas` on at
-- least one target (`replicas` then holds the minimum, what it starts with). The HPA controller owns the replica
-- count while autoscaling is on; the row never follows it (the status reads the HPA from the cluster).
alter table model_deployment
    add column min_replicas          integer check (min_replicas > 0),
    add column max_replicas          integer,
    add column target_cpu_percent    integer check (target_cpu_percent > 0),
    add column target_memory_percent integer check (target_memory_percent > 0),
    add column target_rps            numeric(12, 3) check (target_rps > 0),
    add column target_gpu_percent    integer check (target_gpu_percent > 0),
    add column scale_down_seconds    integer check (scale_down_seconds >= 0),
    add constraint model_deployment_autoscaling_range check (max_replicas is null
        or (min_replicas is not null and max_replicas >= min_replicas));
