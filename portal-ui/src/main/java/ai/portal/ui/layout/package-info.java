/**
 * The application shell every signed-in view sits in (drawer, header, user menu), the portal's own "not found or
 * not allowed", error and "signed out" pages, and what each new tab is set up with (language, theme, time zone).
 */
package ai.portal.ui.layout;
