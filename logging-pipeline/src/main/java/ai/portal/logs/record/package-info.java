/** The log document: one type the collector writes and search reads, and the names of its fields. */
package ai.portal.logs.record;
