/**
 * Building blocks every view shares: loading off the UI thread with a progress indicator, a page section that
 * greys out when its backend is down, readable messages for backend problems, quota bars, notifications.
 */
package ai.portal.ui.components;
