/** Platform settings admins change at run time (e.g. whether custom images may be launched). */
package ai.portal.jobs.settings;
