/**
 * Live updates by server push: one shared watch per topic (a team, the admin's queue) for all open tabs, whatever
 * their number; see DESIGN.md beside this file.
 */
package ai.portal.ui.live;
