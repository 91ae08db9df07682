/**
 * Tenant-scoped log search and live tail: platform-common's {@code TeamAuthorizer} decides the namespace, {@code LogSearch} builds the
 * only queries that reach OpenSearch, {@code LogTail} streams Server-Sent Events (see the collector's DESIGN.md for
 * the record layout).
 */
package ai.portal.logs.query;
