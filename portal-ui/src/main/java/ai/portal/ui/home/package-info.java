/** The landing page. */
package ai.portal.ui.home;
