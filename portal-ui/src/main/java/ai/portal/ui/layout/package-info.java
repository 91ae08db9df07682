/** The application shell every view sits in. */
package ai.portal.ui.layout;
