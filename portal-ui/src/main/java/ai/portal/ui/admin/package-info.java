/** The platform admin's pages: teams, quotas, GPU type catalogue, quota requests, audit log. */
package ai.portal.ui.admin;
