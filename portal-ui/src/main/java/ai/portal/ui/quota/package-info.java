/** Quotas as people see and edit them: usage bars per resource and GPU type, and the quota form (admins, requests). */
package ai.portal.ui.quota;
