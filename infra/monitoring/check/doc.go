// Package check holds the tests of infra/monitoring: the Prometheus rules pass promtool's checks and unit
// tests, and every query of the Grafana dashboards parses and names only metrics that exist.
package check
