-- Model deployments, continued (package `serving`): GPUs. Every replica of a deployment holds `gpus` GPUs of
-- `gpu_type` (the GPU catalogue's name, the nodes' nvidia.com/gpu.product); 0 and null is CPU serving, the default,
-- which every existing row keeps. A type without a count, or a count without a type, is not a deployment anyone asked
-- for: the API refuses both (400), and the table too.
alter table model_deployment
    add column gpu_type varchar(63),
    add column gpus     integer not null default 0 check (gpus >= 0),
    add constraint model_deployment_gpu_type_with_gpus check ((gpus = 0) = (gpu_type is null));
