/** Clients of the backends (tenant-service, job-runner, logging-pipeline), relaying the user's token. */
package ai.portal.ui.backend;
