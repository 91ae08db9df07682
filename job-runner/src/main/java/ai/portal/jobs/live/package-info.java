/** Live updates for the UI: one server-sent event stream per team, driven by the informers. */
package ai.portal.jobs.live;
