/** The identity of this installation of the portal, carried by everything it creates. */
package ai.portal.platform.installation;
