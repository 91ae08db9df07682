/**
 * The GPU metrics API: tenant-scoped charts, current values and allocated-but-idle GPUs per workload, team and
 * (platform admins) fleet, read from Prometheus (NVIDIA dcgm-exporter's metrics and the recording rules of
 * infra/monitoring/rules). It lives in the logging pipeline because this service is the platform's tenant-scoped
 * observability read side: it already holds the pod informer that knows each pod's workload and the team access
 * check that guards logs. See DESIGN.md.
 */
package ai.portal.logs.metrics;
