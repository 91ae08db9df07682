/** Usage accounting: Running intervals of workloads' pods, and reports over them (JSON and CSV). See DESIGN.md. */
package ai.portal.jobs.usage;
