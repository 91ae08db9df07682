/** Usage reports: GPU-, CPU- and memory-hours by team, user or GPU type, with CSV export; a team's month. */
package ai.portal.ui.usage;
