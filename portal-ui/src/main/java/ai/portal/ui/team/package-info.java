/** One team's page: status, members and roles (owners manage), quota and use, quota requests and their history. */
package ai.portal.ui.team;
