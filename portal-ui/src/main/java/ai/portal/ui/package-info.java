/**
 * portal-ui: Vaadin views by feature ({@code home}, ...), the shared layout ({@code layout}), login and the
 * current user ({@code security}) and the clients of the backends ({@code backend}). Views talk to backend clients,
 * never to databases or Kubernetes.
 */
package ai.portal.ui;
