/**
 * The authenticated notebook proxy: {@code /notebooks/<team>/<name>/…} (HTTP and WebSockets) to the notebook's pod,
 * for the team's owners and members only, signed in through the portal's SSO; see DESIGN.md.
 */
package ai.portal.jobs.proxy;
